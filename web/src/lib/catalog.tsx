import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { ApiClient, SceneCatalog } from '../api';
import { useI18n } from './i18n';
import { inapplicableParams, localized, type TaskTypeDef } from './task-form';

/**
 * What the portal can make, as the server says: the enabled task types (`GET /api/v1/task-types`)
 * and the scene catalog (`GET /api/v1/scenes`), fetched once per signed-in visit and shared by
 * the create form, task cards, the task page and history. No type is named in the portal's code.
 */
interface Catalog {
  /** Null while loading. */
  types: TaskTypeDef[] | null;
  scenes: SceneCatalog | null;
  error: string | null;
  reload(): void;
}

const Context = createContext<Catalog | null>(null);

export function CatalogProvider({ api, children }: { api: ApiClient; children: ReactNode }) {
  const { errorText } = useI18n();
  const [types, setTypes] = useState<TaskTypeDef[] | null>(null);
  const [scenes, setScenes] = useState<SceneCatalog | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    Promise.all([api.taskTypes(), api.scenes()]).then(
      ([t, s]) => {
        if (!live) return;
        setTypes(t.items);
        setScenes(s);
      },
      (err: unknown) => live && setError(errorText(err)),
    );
    return () => {
      live = false;
    };
  }, [api, errorText, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  const value = useMemo(() => ({ types, scenes, error, reload }), [types, scenes, error, reload]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useCatalog(): Catalog {
  const value = useContext(Context);
  if (!value) throw new Error('useCatalog outside CatalogProvider');
  return value;
}

export interface Names {
  /** A task type's name in the current language; a type no longer offered gets a neutral name. */
  type(key: string): string;
  typeDef(key: string): TaskTypeDef | undefined;
  /** A scene or category's name in the current language; never the raw code when the catalog has it. */
  scene(code: string): string;
  category(code: string): string;
  /** The merchant-facing summary of a task's params (scene · category · choices · texts). */
  params(typeKey: string, params: Record<string, unknown>): string;
}

type SceneEntry = SceneCatalog['scenes'][number] | SceneCatalog['categories'][number];

/** The catalog entry's name in `lang` (an operator may leave the English name empty). */
export function entryName(entry: SceneEntry, lang: 'zh' | 'en'): string {
  return lang === 'en' && entry.nameEn ? entry.nameEn : entry.name;
}

export function useNames(): Names {
  const { types, scenes } = useCatalog();
  const { lang, t } = useI18n();
  return useMemo(() => {
    const byKey = new Map((types ?? []).map((d) => [d.key, d]));
    const sceneBy = new Map((scenes?.scenes ?? []).map((s) => [s.code, s]));
    const categoryBy = new Map((scenes?.categories ?? []).map((c) => [c.code, c]));
    const scene = (code: string) => {
      const s = sceneBy.get(code);
      return s ? entryName(s, lang) : t('create.otherScene');
    };
    const category = (code: string) => {
      const c = categoryBy.get(code);
      return c ? entryName(c, lang) : t('create.otherCategory');
    };
    return {
      typeDef: (key) => byKey.get(key),
      type: (key) => {
        const def = byKey.get(key);
        return def ? localized(def.name, lang) : t('create.otherType');
      },
      scene,
      category,
      params: (typeKey, params) => {
        const def = byKey.get(typeKey);
        const parts: string[] = [];
        if (!def) {
          // A type no longer offered: its scene and category are still catalog names.
          if (typeof params.scene === 'string') parts.push(scene(params.scene));
          if (typeof params.category === 'string') parts.push(category(params.category));
          return parts.join(' · ');
        }
        // A parameter that does not apply (a background for a transparent PNG) is not named.
        const hidden = inapplicableParams(def.params, params);
        for (const p of def.params) {
          if (hidden.has(p.name)) continue;
          const v = params[p.name];
          if (typeof v !== 'string' || !v) continue;
          if (p.kind === 'scene') parts.push(scene(v));
          else if (p.kind === 'category') parts.push(category(v));
          else if (p.kind === 'choice') {
            const o = p.options?.find((x) => x.value === v);
            if (o) parts.push(localized(o.label, lang));
          } else parts.push(`${localized(p.label, lang)}: ${v}`);
        }
        return parts.join(' · ');
      },
    };
  }, [types, scenes, lang, t]);
}
