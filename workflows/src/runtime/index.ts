/** The pinned n8n runtime: install, node package, start, provision. Used by `npm start` and the e2e tests. */
export { ensureN8nInstalled, formatProgress, runtimeManifest } from './install-n8n';
export type { EnsureN8nOptions, InstallPhase, InstallProgress, N8nInstallation } from './install-n8n';
export { installNodePackage } from './install-node-package';
export type { InstalledNodePackage } from './install-node-package';
export { startN8n, freePort, loadOrCreateEncryptionKey } from './start-n8n';
export type { RunningN8n, StartN8nOptions } from './start-n8n';
export { provision } from './provision';
export type { CredentialSpec, ProvisionOptions, ProvisionResult, SyncedWorkflow } from './provision';
export type { OwnerAccount } from './n8n-client';
export { N8N_VERSION, cacheRoot, n8nInstallDir } from './paths';
export { DEFAULT_WORKFLOWS_DIR } from './workflow-files';
export { CREDENTIAL_NAMES, credentialSpecs } from './credentials';
export type { CredentialValues } from './credentials';
export { defaultUserFolder } from '../cli/cli-config';
