/** One Jest run over every workspace (and the system suite in scripts/), so `npm test` prints one summary. */
const workspaces = ['backend', 'sandbox', 'n8n-nodes-aiphoto', 'workflows', 'web', 'admin', 'scripts'];

module.exports = {
  projects: workspaces.map((dir) => `<rootDir>/${dir}`),
  // testTimeout is a global option: Jest ignores it in the projects' configs (jest.preset.js),
  // so a run from the root needs it here too.
  testTimeout: 30_000,
};
