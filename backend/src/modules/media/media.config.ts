/**
 * Media rules shared by uploads, STS and task input checks. Storage keys are a contract with
 * the tasks module and the n8n nodes (docs/DEVELOPMENT.md "Storage keys").
 */

/** Image formats we accept, by the format name sharp reports after reading the bytes. */
export const ACCEPTED_FORMATS = {
  jpeg: { mime: 'image/jpeg', ext: 'jpg' },
  png: { mime: 'image/png', ext: 'png' },
  webp: { mime: 'image/webp', ext: 'webp' },
} as const;

export type AcceptedFormat = keyof typeof ACCEPTED_FORMATS;

export function isAcceptedFormat(format: string | undefined): format is AcceptedFormat {
  return format !== undefined && Object.hasOwn(ACCEPTED_FORMATS, format);
}

/** User ids are UUIDs; anything else must never become part of a key or an STS resource. */
const SAFE_SEGMENT = /^[A-Za-z0-9-]{1,64}$/;

export function assertSafeUserId(userId: string): void {
  if (!SAFE_SEGMENT.test(userId)) throw new Error(`unsafe user id for a storage key: ${JSON.stringify(userId)}`);
}

/** `input/<userId>/` — everything a merchant uploads lives below it. */
export function inputPrefix(userId: string): string {
  assertSafeUserId(userId);
  return `input/${userId}/`;
}

/** `input/<userId>/<sha256>.<ext>`: the same bytes always map to the same key. */
export function inputKey(userId: string, sha256: string, format: AcceptedFormat): string {
  return `${inputPrefix(userId)}${sha256}.${ACCEPTED_FORMATS[format].ext}`;
}

/** `output/<userId>/<taskId>/` — where n8n writes a task's results. */
export function outputPrefix(userId: string, taskId: string): string {
  assertSafeUserId(userId);
  assertSafeUserId(taskId);
  return `output/${userId}/${taskId}/`;
}

/**
 * What temporary upload credentials may do: a simple upload (one `PUT`, what the portal sends),
 * nothing else. Form and multipart uploads are left out on purpose: the policy's size condition
 * (`cos:content-length`) bounds a single request, so a multipart upload could assemble an object
 * of any size from parts each under it. No read, list or delete.
 */
export const STS_UPLOAD_ACTIONS = ['name/cos:PutObject'] as const;
