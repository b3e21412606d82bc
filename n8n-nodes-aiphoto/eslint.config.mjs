// n8n's community-node rules (the "recommended" set, cloud rules included: the package has no
// runtime dependencies and uses no timers), on top of TypeScript parsing for src/.
import tseslint from 'typescript-eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'scripts/**'] },
  {
    files: ['src/**/*.ts'],
    languageOptions: { parser: tseslint.parser },
  },
  n8nCommunityNodesPlugin.configs.recommended,
  {
    // The rule maps dist/credentials/X.js to credentials/X.ts (the starter's layout without
    // src/), so it cannot see our src/credentials and flags every credential as foreign.
    // All three credentials are declared in this package's own package.json.
    rules: { '@n8n/community-nodes/no-credential-reuse': 'off' },
  },
  {
    // Webhook triggers start workflows; they cannot serve as AI agent tools.
    files: [
      'src/nodes/AiPhotoTrigger/AiPhotoTrigger.node.ts',
      'src/nodes/AiPhotoEventTrigger/AiPhotoEventTrigger.node.ts',
      // Not an agent tool on purpose: whoever drives it can report any task done or failed.
      'src/nodes/AiPhotoCallback/AiPhotoCallback.node.ts',
    ],
    rules: { '@n8n/community-nodes/node-usable-as-tool': 'off' },
  },
  {
    // The trigger's shared memory in queue mode speaks Redis over TCP (shared/redis/): the one
    // Node module beyond crypto the package uses, in this one file. Only the operator's AI Photo
    // Trigger imports it, and it connects only when the "AI Photo Backend API" credential names
    // a Redis URL (AI Photo's own n8n); the merchant nodes never import it. n8n Cloud's
    // verification would refuse the import; the package is installed privately (README).
    files: ['src/shared/redis/redis-client.ts'],
    rules: { '@n8n/community-nodes/no-restricted-imports': 'off' },
  },
  {
    // Tests and their helpers are not shipped; timers and test-only imports are fine there.
    files: ['src/**/__tests__/**', 'src/test-helpers/**'],
    rules: {
      '@n8n/community-nodes/no-restricted-imports': 'off',
      '@n8n/community-nodes/no-restricted-globals': 'off',
    },
  },
);
