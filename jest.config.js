/** One Jest run over every workspace, so `npm test` prints one summary. */
const workspaces = ['backend', 'sandbox', 'n8n-nodes-aiphoto', 'workflows', 'web', 'admin'];

module.exports = {
  projects: workspaces.map((dir) => `<rootDir>/${dir}`),
};
