import type {
  ICredentialDataDecryptedObject,
  ICredentialTestRequest,
  ICredentialType,
  IDataObject,
  IHttpRequestOptions,
  INodeProperties,
} from 'n8n-workflow';

function isPlainObject(value: unknown): value is IDataObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/**
 * RunningHub expects the key inside the JSON body (`apiKey`), not in a header. Multipart
 * uploads carry it as a form field, which the upload operation adds itself.
 */
export async function addRunningHubKey(
  credentials: ICredentialDataDecryptedObject,
  requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
  if (!isPlainObject(requestOptions.body)) return requestOptions;
  return { ...requestOptions, body: { ...requestOptions.body, apiKey: String(credentials.apiKey) } };
}

export class RunningHubApi implements ICredentialType {
  name = 'runningHubApi';

  displayName = 'RunningHub API';

  icon = { light: 'file:../icons/runningHub.svg', dark: 'file:../icons/runningHub.dark.svg' } as const;

  documentationUrl = 'https://www.runninghub.cn/runninghub-api-doc';

  properties: INodeProperties[] = [
    {
      displayName: 'API Key',
      name: 'apiKey',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      required: true,
    },
    {
      displayName: 'Base URL',
      name: 'baseUrl',
      type: 'string',
      default: 'https://www.runninghub.cn',
      required: true,
      description: 'RunningHub API host; the local sandbox uses http://127.0.0.1:9400',
    },
    {
      displayName: 'Default AI App (Webapp) ID',
      name: 'webappId',
      type: 'string',
      default: '',
      description: 'Used by "Run AI App" when the node itself names no webapp ID',
    },
    {
      displayName: 'Named AI Apps',
      name: 'apps',
      type: 'string',
      default: '',
      placeholder: 'fitting=1900000000000000002, travel=1900000000000000003',
      description:
        'name=webapp ID pairs, comma-separated: a "Run AI App" node whose Webapp ID is a name (e.g. fitting) runs the app given here, so a workflow names its app and each installation sets the ID',
    },
  ];

  authenticate = addRunningHubKey;

  // A lookup of a task that does not exist: a wrong key answers code 802 with HTTP 200.
  test: ICredentialTestRequest = {
    request: {
      method: 'POST',
      baseURL: '={{ $credentials.baseUrl.replace(/\\/+$/, "") }}',
      url: '/task/openapi/outputs',
      body: { taskId: '0' },
      json: true,
    },
    rules: [
      {
        type: 'responseSuccessBody',
        properties: { key: 'code', value: 802, message: 'RunningHub rejected the API key (code 802)' },
      },
    ],
  };
}
