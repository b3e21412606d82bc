/** The JSON schema n8n's public API validates credential data against (`GET /credentials/schema/:type`). */
export interface CredentialSchema {
  properties?: Record<string, unknown>;
}

/**
 * n8n 2.8 injects `allowedHttpRequestDomains` into every credential type that has
 * `authenticate`, and its generated schema then demands `allowedDomains` unless the selector
 * is present (a JSON-schema `if` on a missing property passes). Sending n8n's own default
 * ("all", as the editor does) satisfies it without restricting anything our nodes do.
 */
export function completeCredentialData(
  data: Record<string, unknown>,
  schema: CredentialSchema,
): Record<string, unknown> {
  if (
    schema.properties &&
    'allowedHttpRequestDomains' in schema.properties &&
    data.allowedHttpRequestDomains === undefined
  ) {
    return { ...data, allowedHttpRequestDomains: 'all' };
  }
  return data;
}
