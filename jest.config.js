/** One Jest run over every workspace (and the system suite in scripts/), so `npm test` prints one summary. */
const workspaces = ['backend', 'sandbox', 'n8n-nodes-aiphoto', 'workflows', 'web', 'admin', 'scripts'];

module.exports = {
  projects: workspaces.map((dir) => `<rootDir>/${dir}`),
};
