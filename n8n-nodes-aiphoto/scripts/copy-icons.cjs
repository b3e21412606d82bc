// tsc emits only JavaScript; n8n loads node and credential icons from beside the compiled files,
// and the editor's output-schema previews (`GET /schemas/<node>/<version>[/<resource>]/<operation>.json`)
// from `__schema__/` beside each node, so both are copied into dist/.
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');

function copyAssets(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const from = path.join(dir, entry.name);
    if (entry.isDirectory()) copyAssets(from);
    else if (
      entry.name.endsWith('.svg') ||
      (entry.name.endsWith('.json') && from.includes(`${path.sep}__schema__${path.sep}`))
    ) {
      const to = path.join(dist, path.relative(src, from));
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(from, to);
    }
  }
}

copyAssets(src);
