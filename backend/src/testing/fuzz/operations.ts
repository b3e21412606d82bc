/**
 * The operations of the backend's OpenAPI document (`/api/docs.json`) in the shape the fuzz
 * suite needs: method, path template, parameters, and what kind of body each takes.
 */

export interface JsonSchema {
  type?: string;
  $ref?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  minimum?: number;
  minLength?: number;
  minItems?: number;
  allOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  nullable?: boolean;
}

interface OpenApiParameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  schema?: JsonSchema;
}

interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  security?: unknown[];
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export interface Operation {
  method: string;
  /** The path with `{name}` placeholders, as documented. */
  template: string;
  pathParams: string[];
  query: Array<{ name: string; schema: JsonSchema }>;
  /** The JSON body's schema ($refs resolved), when the operation takes JSON. */
  json: JsonSchema | null;
  /** The file field, when the operation takes a multipart upload. */
  fileField: string | null;
  secured: boolean;
  /** Console routes take the admin token; the rest the merchant's. */
  role: 'admin' | 'merchant';
  /** Payment notifies answer 4xx in their channel's own shape (WeChat `{code:"FAIL",message}`, Alipay `failure`). */
  channelAnswers: boolean;
}

/** Every operation of the document. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const resolve = (schema: JsonSchema | undefined): JsonSchema | null => resolveRefs(doc, schema, 0);
  return Object.entries(doc.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, op]): Operation => {
      const params = op.parameters ?? [];
      const content = op.requestBody?.content ?? {};
      const multipart = resolve(content['multipart/form-data']?.schema);
      return {
        method: method.toUpperCase(),
        template,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: resolve(p.schema) ?? {} })),
        json: resolve(content['application/json']?.schema),
        fileField: multipart ? (Object.keys(multipart.properties ?? {})[0] ?? null) : null,
        secured: Boolean(op.security?.length),
        role: template.startsWith('/api/v1/admin/') ? 'admin' : 'merchant',
        channelAnswers: /^\/api\/v1\/payments\/[^/]+\/notify$/.test(template),
      };
    }),
  );
}

function resolveRefs(doc: OpenApiDocument, schema: JsonSchema | undefined, depth: number): JsonSchema | null {
  if (!schema || depth > 8) return null;
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return resolveRefs(doc, doc.components?.schemas?.[name], depth + 1);
  }
  const resolved: JsonSchema = { ...schema };
  if (schema.properties) {
    resolved.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([k, v]) => [k, resolveRefs(doc, v, depth + 1) ?? {}]),
    );
  }
  if (schema.items) resolved.items = resolveRefs(doc, schema.items, depth + 1) ?? {};
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (schema[key]) resolved[key] = schema[key].map((s) => resolveRefs(doc, s, depth + 1) ?? {});
  }
  return resolved;
}

/**
 * A value that roughly fits the schema (first enum value, the minimum, a short string): the
 * starting point that the fuzz suite then breaks one property at a time, so the checks behind
 * the first field are reached too.
 */
export function skeleton(schema: JsonSchema): unknown {
  const variant = schema.allOf?.[0] ?? schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (variant) return skeleton(variant);
  if (schema.enum?.length) return schema.enum[0];
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, skeleton(v)]));
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => skeleton(schema.items ?? {}));
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'string':
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    default:
      return null;
  }
}
