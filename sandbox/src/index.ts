export { createSandbox, type Sandbox, type SandboxOptions } from './server';
export { loadOrCreateSandboxKeys, generateSandboxKeys, SANDBOX_KEYS_FILE, type SandboxKeys } from './keys';
export type { CosSettings, RunningHubSettings, RunningHubOutcome } from './context';
