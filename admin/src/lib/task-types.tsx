import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useI18n } from './i18n';
import { useSession } from './session';

interface TypeName {
  key: string;
  name: { zh: string; en: string };
}

const Context = createContext<TypeName[]>([]);

/** The task types with their names (the public list), read once per console session. */
export function TaskTypesProvider({ children }: { children: ReactNode }) {
  const { api } = useSession();
  const [types, setTypes] = useState<TypeName[]>([]);
  useEffect(() => {
    api.taskTypes().then(
      (list) => setTypes(list.items),
      () => setTypes([]), // names fall back to the codes
    );
  }, [api]);
  return <Context.Provider value={types}>{children}</Context.Provider>;
}

/** Known task types, and a type's name in the console's language (its code when unknown or disabled). */
export function useTaskTypes(): { types: TypeName[]; typeName(code: string): string } {
  const types = useContext(Context);
  const { lang } = useI18n();
  return { types, typeName: (code) => types.find((t) => t.key === code)?.name[lang] ?? code };
}
