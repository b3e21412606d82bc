// n8n's lint for community nodes: the configuration @n8n/node-cli ships as its default (`config`
// of `@n8n/node-cli/eslint`, the one its strict mode requires), written out here because the CLI
// itself cannot be a dependency of this repository (README, "Lint"). Rules are switched off only
// inline, next to the code, with the reason (`eslint-disable-next-line <rule> -- <reason>`).
import js from '@eslint/js';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import { globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// With n8n Cloud's rules (no runtime dependencies, no restricted Node modules or globals).
const communityNodes = n8nCommunityNodesPlugin.configs.recommended;

export default tseslint.config(
  // scripts/: the build's CommonJS helper, not shipped.
  globalIgnores(['dist', 'node_modules', 'scripts']),
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommended, communityNodes],
    rules: { 'prefer-spread': 'off', 'no-console': 'error' },
  },
  {
    files: ['package.json'],
    extends: [communityNodes],
    languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
  },
  {
    // The one addition to n8n's default: tests and their helpers are never shipped ("files":
    // ["dist"], and the build excludes them), so the rules about what runs inside n8n (no timers,
    // no imports beyond n8n-workflow) do not apply to them; and their fixtures named `…Key` are
    // storage object keys (`input/u1/a.jpg`), which no-hardcoded-secrets takes for secrets.
    files: ['**/__tests__/**', 'test-helpers/**'],
    rules: {
      '@n8n/community-nodes/no-restricted-imports': 'off',
      '@n8n/community-nodes/no-restricted-globals': 'off',
      '@n8n/community-nodes/no-hardcoded-secrets': 'off',
    },
  },
);
