export { createSandbox, type Sandbox, type SandboxOptions } from './server';
export { loadOrCreateSandboxKeys, generateSandboxKeys, SANDBOX_KEYS_FILE, type SandboxKeys } from './keys';
export type { CosSettings, RunningHubSettings, RunningHubOutcome } from './context';
export { CI_MODES, type CiMode } from './ci/precomputed';
