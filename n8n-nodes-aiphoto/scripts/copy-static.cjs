// tsc emits only JavaScript; n8n reads the icons (dist/icons/, named by `file:` paths from the
// compiled node and credential files), the codex files (`<Node>.node.json` beside each node) and
// the editor's output-schema previews (`GET /schemas/<node>/<version>[/<resource>]/<operation>.json`,
// from `__schema__/` beside each node), so all three are copied into dist/.
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');

function copy(from) {
  const to = path.join(dist, path.relative(root, from));
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

function walk(dir, keep) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const from = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(from, keep);
    else if (keep(entry.name, from)) copy(from);
  }
}

walk(path.join(root, 'icons'), (name) => name.endsWith('.svg'));
walk(path.join(root, 'nodes'), (name) => name.endsWith('.node.json'));
walk(
  path.join(root, 'nodes'),
  (name, from) => name.endsWith('.json') && from.includes(`${path.sep}__schema__${path.sep}`),
);
// The FFmpeg Slideshow node's bundled music (music/README.md says how the tracks were made).
walk(path.join(root, 'music'), (name) => name.endsWith('.m4a'));
