import type { CredentialSpec } from './sync';

/**
 * The credential names the workflow JSON refers to. Workflows reference credentials by
 * name only; provisioning maps each name to the id it has in one n8n instance.
 */
export const CREDENTIAL_NAMES = {
  backend: 'AI Photo backend',
  tencentCloud: 'Tencent Cloud COS',
  runningHub: 'RunningHub',
} as const;

export interface CredentialValues {
  /** `redisUrl`: the trigger's shared memory when n8n runs in queue mode (n8n-nodes-aiphoto README). */
  backend: { baseUrl: string; sharedSecret: string; redisUrl?: string };
  tencentCloud: { secretId: string; secretKey: string; region: string; bucket: string; endpoint?: string };
  /** `apps`: the Named AI Apps, `name=webappId` pairs (RUNNINGHUB_APPS), for nodes that name their app. */
  runningHub: { apiKey: string; baseUrl: string; webappId?: string; apps?: string };
}

/** The three credentials in the shape `provision` takes (field names of n8n-nodes-aiphoto's credential types). */
export function credentialSpecs(values: CredentialValues): CredentialSpec[] {
  return [
    { name: CREDENTIAL_NAMES.backend, type: 'aiPhotoApi', data: { redisUrl: '', ...values.backend } },
    { name: CREDENTIAL_NAMES.tencentCloud, type: 'tencentCloudApi', data: { endpoint: '', ...values.tencentCloud } },
    {
      name: CREDENTIAL_NAMES.runningHub,
      type: 'runningHubApi',
      data: { webappId: '', apps: '', ...values.runningHub },
    },
  ];
}
