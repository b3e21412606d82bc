import { NotFoundError } from '../errors/app-error';
import type { InputMediaPort, ObjectUrlPort } from '../modules/tasks/task-ports';

/**
 * Stand-ins for the media module in task tests, where uploads are beside the point: any key under
 * the caller's own `input/<userId>/` prefix counts as an upload (its file name is its "hash"), and
 * signed URLs are readable strings the tests can assert.
 */
export const ownPrefixMedia: InputMediaPort = {
  assertOwnedInput: async (userId, key) => {
    if (!key.startsWith(`input/${userId}/`)) throw new NotFoundError('Input not found', 'INPUT_NOT_FOUND');
    const file = key.split('/').pop()!;
    return { sha256: file.split('.')[0], originalName: file };
  },
};

export const readableUrls: ObjectUrlPort = { signedUrl: (key, ttl) => `http://storage.test/${key}?expires=${ttl}` };
