/**
 * Rows → domain objects at the repository edge: `user_id` becomes `userId`, `n8n_execution_id`
 * becomes `n8nExecutionId`, values untouched. Services and routes see only the camelCase shape.
 */
type CamelKey<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelKey<Tail>>}` : S;

/** The camelCase twin of a row type. */
export type Camel<Row> = { [K in keyof Row as K extends string ? CamelKey<K> : K]: Row[K] };

const camelKey = (key: string) => key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** One row with camelCase keys (own enumerable keys only; values are not copied deeply). */
export function toCamel<Row extends object>(row: Row): Camel<Row> {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [camelKey(key), value])) as Camel<Row>;
}
