import type {
  ICredentialDataDecryptedObject,
  IDataObject,
  IHookFunctions,
  ILoadOptionsFunctions,
  IWebhookFunctions,
} from 'n8n-workflow';

import { fakeAuthenticatedRequest, testNode, type RecordedResponse } from './fake-context';

/**
 * Stand-ins for the contexts of the merchant nodes' methods: dropdown loading, the webhook
 * lifecycle (static data as n8n keeps it per node) and webhook deliveries. HTTP goes through
 * node:http so nock sees it, authenticated by the credential's own `authenticate`.
 */
export const ACCOUNT = { aiPhotoAccountApi: { baseUrl: 'http://aiphoto.test/', apiKey: 'ak_test_key' } };

export function fakeLoadOptionsContext(current: IDataObject = {}): ILoadOptionsFunctions {
  const context = {
    getNode: () => testNode,
    getCurrentNodeParameter: (name: string) => current[name],
    getCredentials: async (type: string): Promise<ICredentialDataDecryptedObject> =>
      ACCOUNT[type as keyof typeof ACCOUNT],
    helpers: { httpRequestWithAuthentication: fakeAuthenticatedRequest(ACCOUNT) },
  };
  // Only the members above are used by the methods; the cast states that narrower contract.
  return context as unknown as ILoadOptionsFunctions;
}

export function fakeHookContext(options: {
  webhookUrl: string;
  events: string[];
  staticData: IDataObject;
}): IHookFunctions {
  const context = {
    getNode: () => testNode,
    getNodeWebhookUrl: () => options.webhookUrl,
    getNodeParameter: (name: string) => (name === 'events' ? options.events : undefined),
    getWorkflowStaticData: () => options.staticData,
    getCredentials: async (type: string) => ACCOUNT[type as keyof typeof ACCOUNT],
    helpers: { httpRequestWithAuthentication: fakeAuthenticatedRequest(ACCOUNT) },
  };
  return context as unknown as IHookFunctions;
}

export function fakeEventWebhookContext(options: {
  events: string[];
  staticData: IDataObject;
  headers: Record<string, string>;
  rawBody: Buffer;
}): { context: IWebhookFunctions; response: RecordedResponse } {
  const response: RecordedResponse = {};
  const res = {
    status(code: number) {
      response.statusCode = code;
      return res;
    },
    json(body: unknown) {
      response.body = body;
      return res;
    },
  };
  const request = {
    headers: Object.fromEntries(Object.entries(options.headers).map(([k, v]) => [k.toLowerCase(), v])),
    rawBody: options.rawBody,
  };
  const context = {
    getNode: () => testNode,
    getRequestObject: () => request,
    getResponseObject: () => res,
    getNodeParameter: (name: string) => (name === 'events' ? options.events : undefined),
    getWorkflowStaticData: () => options.staticData,
  };
  return { context: context as unknown as IWebhookFunctions, response };
}
