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
    // Tests and their helpers are not shipped; timers and test-only imports are fine there.
    files: ['src/**/__tests__/**', 'src/test-helpers/**'],
    rules: {
      '@n8n/community-nodes/no-restricted-imports': 'off',
      '@n8n/community-nodes/no-restricted-globals': 'off',
    },
  },
);
