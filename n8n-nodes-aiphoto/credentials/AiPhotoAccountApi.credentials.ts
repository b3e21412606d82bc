import type {
  ICredentialDataDecryptedObject,
  ICredentialTestRequest,
  ICredentialType,
  IHttpRequestOptions,
  INodeProperties,
} from 'n8n-workflow';

/** Every request of the merchant nodes carries the API key as a bearer token. */
export async function addApiKey(
  credentials: ICredentialDataDecryptedObject,
  requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
  return {
    ...requestOptions,
    headers: { ...requestOptions.headers, Authorization: `Bearer ${String(credentials.apiKey).trim()}` },
  };
}

/**
 * A merchant's AI Photo account, for the merchant nodes ("AI Photo", "AI Photo Trigger
 * (events)") in the merchant's own n8n. Not the operator credential "AI Photo Backend API",
 * which holds the platform's shared secret.
 */
export class AiPhotoAccountApi implements ICredentialType {
  name = 'aiPhotoAccountApi';

  displayName = 'AI Photo account';

  icon = { light: 'file:../icons/aiPhoto.svg', dark: 'file:../icons/aiPhoto.dark.svg' } as const;

  properties: INodeProperties[] = [
    {
      displayName: 'Base URL',
      name: 'baseUrl',
      type: 'string',
      default: 'http://127.0.0.1:3000',
      placeholder: 'https://photos.example.com',
      required: true,
      description: 'Where AI Photo answers (the address of the portal), without a trailing slash',
    },
    {
      displayName: 'API Key',
      name: 'apiKey',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      placeholder: 'ak_…',
      required: true,
      description: 'Create one on the Developer page (开发者) of the AI Photo portal; it is shown once',
    },
  ];

  authenticate = addApiKey;

  // GET /api/v1/me answers only with a valid, unrevoked key: a wrong key fails the test (401).
  test: ICredentialTestRequest = {
    request: {
      method: 'GET',
      baseURL: '={{ $credentials.baseUrl.replace(/\\/+$/, "") }}',
      url: '/api/v1/me',
    },
  };
}
