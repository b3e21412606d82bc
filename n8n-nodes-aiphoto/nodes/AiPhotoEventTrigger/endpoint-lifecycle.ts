import { NodeApiError, type IDataObject, type IHookFunctions, type JsonObject } from 'n8n-workflow';

import { accountRequest } from '../../transport/account-api';

/**
 * What the trigger keeps in the workflow's static data (saved by n8n with the workflow): the
 * endpoint it registered and that endpoint's signing secret, shown by AI Photo only once.
 */
export interface EndpointState extends IDataObject {
  endpointId?: string;
  secret?: string;
}

interface Endpoint {
  id: string;
  url: string;
  events: string[];
  secret?: string;
}

export const stateOf = (ctx: { getWorkflowStaticData(type: string): IDataObject }) =>
  ctx.getWorkflowStaticData('node') as EndpointState;

const chosenEvents = (ctx: IHookFunctions) => [...(ctx.getNodeParameter('events') as string[])].sort();
const endpointPath = (id: string) => `/api/v1/webhooks/${encodeURIComponent(id)}`;

function isGone(error: unknown): boolean {
  // 404: deleted meanwhile; 401: the key was revoked, which removed its endpoints with it.
  return error instanceof NodeApiError && (error.httpCode === '404' || error.httpCode === '401');
}

function forget(state: EndpointState): void {
  delete state.endpointId;
  delete state.secret;
}

/**
 * n8n's webhook lifecycle, as first-party triggers implement it: on activation `checkExists`
 * then `create` when needed, on deactivation `delete`. The endpoint is registered with the
 * merchant's API key, so that key alone can see and remove it.
 */
export const endpointLifecycle = {
  /** True when our endpoint still exists with this URL and these events; else it is replaced. */
  async checkExists(this: IHookFunctions): Promise<boolean> {
    const state = stateOf(this);
    if (!state.endpointId) return false;
    try {
      const endpoint = await accountRequest<Endpoint>(this, { method: 'GET', path: endpointPath(state.endpointId) });
      const same =
        endpoint.url === this.getNodeWebhookUrl('default') &&
        JSON.stringify([...endpoint.events].sort()) === JSON.stringify(chosenEvents(this));
      if (same && state.secret) return true;
      await accountRequest(this, { method: 'DELETE', path: endpointPath(state.endpointId) });
    } catch (error) {
      if (!isGone(error)) throw new NodeApiError(this.getNode(), error as JsonObject);
    }
    forget(state);
    return false;
  },

  async create(this: IHookFunctions): Promise<boolean> {
    const url = this.getNodeWebhookUrl('default');
    const endpoint = await accountRequest<Endpoint>(this, {
      method: 'POST',
      path: '/api/v1/webhooks',
      body: { url, events: chosenEvents(this) },
    });
    const state = stateOf(this);
    state.endpointId = endpoint.id;
    state.secret = endpoint.secret;
    return true;
  },

  async delete(this: IHookFunctions): Promise<boolean> {
    const state = stateOf(this);
    if (state.endpointId) {
      try {
        await accountRequest(this, { method: 'DELETE', path: endpointPath(state.endpointId) });
      } catch (error) {
        if (!isGone(error)) return false;
      }
    }
    forget(state);
    return true;
  },
};
