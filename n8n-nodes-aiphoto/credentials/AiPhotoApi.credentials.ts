import type {
  ICredentialDataDecryptedObject,
  ICredentialTestRequest,
  ICredentialType,
  IHttpRequestOptions,
  INodeProperties,
} from 'n8n-workflow';

import { signMessage } from '../common/signature';

/**
 * Signs a request to the backend with the shared secret (docs/architecture.md §6). The body is
 * serialised here, once, and sent as that exact string: the signature covers raw bytes.
 * Every call makes a fresh timestamp and nonce, so a retried request is never a "replay".
 */
export async function signBackendRequest(
  credentials: ICredentialDataDecryptedObject,
  requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
  const { body } = requestOptions;
  let rawBody = '';
  if (typeof body === 'string') rawBody = body;
  else if (Buffer.isBuffer(body)) rawBody = body.toString('utf8');
  else if (body !== undefined && body !== null) rawBody = JSON.stringify(body);
  // Everything this credential signs goes n8n → backend (callbacks, the credential test).
  const headers = signMessage(String(credentials.sharedSecret), 'callback', rawBody);
  return {
    ...requestOptions,
    body: rawBody === '' ? requestOptions.body : rawBody,
    json: false,
    headers: {
      ...requestOptions.headers,
      ...(rawBody === '' ? {} : { 'Content-Type': 'application/json' }),
      ...headers,
    },
  };
}

export class AiPhotoApi implements ICredentialType {
  name = 'aiPhotoApi';

  displayName = 'AI Photo Backend API';

  icon = { light: 'file:../icons/aiPhoto.svg', dark: 'file:../icons/aiPhoto.dark.svg' } as const;

  properties: INodeProperties[] = [
    {
      displayName: 'Backend Base URL',
      name: 'baseUrl',
      type: 'string',
      default: 'http://127.0.0.1:3000',
      required: true,
      description: 'Where the AI Photo backend answers, without a trailing slash',
    },
    {
      displayName: 'Shared Secret',
      name: 'sharedSecret',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      required: true,
      description: 'The same value as N8N_SHARED_SECRET in the backend. Signs callbacks and verifies dispatches.',
    },
    // The URL may carry the Redis password (redis://:password@host), so it is masked like a secret.
    // eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password -- see above
    {
      displayName: 'Redis URL (Queue Mode)',
      name: 'redisUrl',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      placeholder: 'redis://127.0.0.1:6379/0',
      description:
        'Leave empty when n8n runs as one process. With queue mode (several webhook processes or mains), the AI Photo Trigger keeps its dispatch nonces and started tasks in this Redis, so a resent dispatch never starts a second run. Plain redis:// only.',
    },
  ];

  authenticate = signBackendRequest;

  // A signed no-op: the backend answers 200 only when the shared secret matches (401 otherwise),
  // so a wrong secret fails the editor's Test button instead of testing green.
  test: ICredentialTestRequest = {
    request: {
      method: 'GET',
      baseURL: '={{ $credentials.baseUrl.replace(/\\/+$/, "") }}',
      url: '/api/v1/internal/n8n/ping',
    },
  };
}
