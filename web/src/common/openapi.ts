/**
 * Type helpers over the generated `api-types.ts`, so an endpoint function names its path and
 * method once and gets its path parameters, query, body and answer from the backend's schemas.
 */
import type { components, paths } from './api-types';

export type Schemas = components['schemas'];
export type ApiPath = keyof paths;
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

// openapi-typescript marks undeclared methods `?: never`, so reading them gives `undefined`.
type Operation<P extends ApiPath, M extends Method> = NonNullable<paths[P][M]>;
type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

/** The JSON answer of an operation: its 200 body, else its 201 body; a 204 answers null. */
export type ResponseOf<P extends ApiPath, M extends Method> =
  Operation<P, M> extends { responses: infer R }
    ? R extends { 200: infer Ok }
      ? Json<Ok>
      : R extends { 201: infer Created }
        ? Json<Created>
        : R extends { 204: unknown }
          ? null
          : never
    : never;

/** The JSON request body of an operation (never when it takes none). */
export type BodyOf<P extends ApiPath, M extends Method> =
  Operation<P, M> extends { requestBody?: infer B } ? Json<NonNullable<B>> : never;

/** The query parameters of an operation (never when it takes none). */
export type QueryOf<P extends ApiPath, M extends Method> =
  Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/** The `{name}` parameters of an operation's path (never when it has none). */
export type PathParamsOf<P extends ApiPath, M extends Method> =
  Operation<P, M> extends { parameters: { path: infer X } } ? X : never;

type Maybe<K extends string, T> = [T] extends [never] ? { [key in K]?: undefined } : { [key in K]?: T };

/** What a call passes besides path and method; path parameters are required where declared. */
export type CallOptions<P extends ApiPath, M extends Method> = ([PathParamsOf<P, M>] extends [never]
  ? { path?: undefined }
  : { path: PathParamsOf<P, M> }) &
  Maybe<'query', QueryOf<P, M>> &
  Maybe<'body', BodyOf<P, M>> & { headers?: Record<string, string> };
