/**
 * `npx tsx scripts/bench/profile-summary.ts <file.cpuprofile> [top]`: where a V8 CPU profile (from
 * `npm run bench -- --profile`) spent its time — self time by package (or repo folder) and by
 * function, and inclusive time of our own functions — as text, to read beside a flame graph.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** `node_modules/<pkg>` → the package; our files → their folder; node internals → `node:`. */
function ownerOf(url: string): string {
  if (!url) return '(native / idle / gc)';
  if (url.startsWith('node:')) return 'node internals';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const repo = url.replace(/^file:\/\//, '');
  const parts = repo.split(path.sep);
  const src = parts.lastIndexOf('src');
  return src > 0 ? parts.slice(src - 1, src + 3).join('/') : path.basename(repo);
}

export function summarise(profile: Profile, top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
    total += dt;
  });
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id) as ProfileNode;
    const frame = node.callFrame;
    const owner = ownerOf(frame.url);
    add(byOwner, owner, us);
    add(byFunction, `${frame.functionName || '(anonymous)'} ${owner}:${frame.lineNumber + 1}`, us);
    // Inclusive time of our own code: every distinct frame of ours on the sampled stack.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = (byId.get(at) as ProfileNode).callFrame;
      if (!f.url || f.url.includes('node_modules') || f.url.startsWith('node:')) continue;
      const key = `${f.functionName || '(anonymous)'} ${ownerOf(f.url)}:${f.lineNumber + 1}`;
      if (!seen.has(key)) add(inclusive, key, us);
      seen.add(key);
    }
  }
  const table = (title: string, map: Map<string, number>) =>
    [
      title,
      ...[...map.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(
          ([k, us]) =>
            `  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`,
        ),
    ].join('\n');
  return [
    `${(total / 1e6).toFixed(1)} s sampled`,
    table('self time by package / folder', byOwner),
    table('self time by function', byFunction),
    table('inclusive time of our own functions', inclusive),
  ].join('\n\n');
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: profile-summary <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(top) || 25));
}
