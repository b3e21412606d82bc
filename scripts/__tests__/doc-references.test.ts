/**
 * The repo explains itself: no file points at documents outside it (the old design notes, a
 * machine's folders), every `docs/architecture.md §N` names a section that exists, and every
 * relative Markdown link lands on a file (and heading) of the repo. A clone must be enough to follow any
 * reference.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const SELF = path.relative(ROOT, __filename).split(path.sep).join('/');

interface Finding {
  file: string;
  line: number;
  problem: string;
}

interface DocIndex {
  /** Section numbers of docs/architecture.md (`## §N …` headings). */
  sections: Set<number>;
  /** Lower-cased text of docs/vendor-facts.md, for quoted section names. */
  vendorsText: string;
  /** Whether a repo-relative path (file or folder) exists. */
  exists: (repoPath: string) => boolean;
  /** The text of a repo-relative Markdown file (for `#anchor` checks). */
  read: (repoPath: string) => string;
}

/** Text that names something outside the repo, whatever file it is in. */
const OUTSIDE: Array<{ pattern: RegExp; problem: string }> = [
  {
    pattern: /\bARCHITECTURE(?:\.md|\s*§|\s+\d)/,
    problem: 'cites the old ARCHITECTURE file; use docs/architecture.md §N',
  },
  {
    pattern: /shared\/(?:design|reference)\b/,
    problem: 'points at notes outside the repo (shared/design, shared/reference)',
  },
  { pattern: /(?<![\w.-])\/(?:work|root)\//, problem: 'names a path of one machine (/work/…, /root/…)' },
  {
    pattern: /(?<![\w-])vendors\.md\b/,
    problem: 'names the old vendor notes file (vendors dot md) outside the repo; use docs/vendor-facts.md',
  },
  {
    pattern: /(?<!(?<![\w-])docs\/)(?<![\w-])vendor-facts\.md\b/,
    problem: 'names vendor-facts.md without docs/ (a file outside the repo)',
  },
];

/** `docs/architecture.md §6`, `docs/architecture.md §2, §8`, `architecture.md §4 and §5`. */
const SECTION_REF = /architecture\.md((?:\s*(?:,|and)?\s*§\d+)+)/g;
/** `docs/vendor-facts.md "common practice"`: the quoted words must appear in docs/vendor-facts.md. */
const VENDORS_SECTION_REF = /docs\/vendor-facts\.md\s+"([^"]+)"/g;
/** Inline Markdown links and images: `[text](target)`. */
const MD_LINK = /!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;

/** GitHub's heading anchors: lower case, punctuation (also `§`, `.`, backticks) dropped, spaces → `-`. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const m of markdown.matchAll(/^#{1,6} (.+)$/gm)) {
    const base = m[1]
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** Relative link targets must stay inside the repo and name something that exists. */
function checkLinks(file: string, text: string, index: DocIndex, out: Finding[]): string {
  let rest = text;
  for (const match of text.matchAll(MD_LINK)) {
    const target = match[1];
    if (/^(?:[a-z][a-z0-9+.-]*:|#|\/\/)/i.test(target)) continue; // URL, mailto:, in-page anchor
    const [bare, anchor] = decodeURI(target).split('#');
    const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file), bare));
    const line = lineOf(text, match.index);
    if (bare.startsWith('/') || resolved.startsWith('..')) {
      out.push({ file, line, problem: `link leaves the repo: ${target}` });
    } else if (!index.exists(resolved)) {
      out.push({ file, line, problem: `link to a missing file: ${target}` });
    } else if (anchor && resolved.endsWith('.md') && !anchorsOf(index.read(resolved)).has(anchor)) {
      out.push({ file, line, problem: `link to a missing heading: ${target}` });
    }
    // A checked link target is fine even when it is a bare name like `vendor-facts.md` beside it.
    rest = rest.replace(`](${target}`, `](${' '.repeat(target.length)}`);
  }
  return rest;
}

/** Every problem in one file's text. `file` is repo-relative with forward slashes. */
function findProblems(file: string, text: string, index: DocIndex): Finding[] {
  const out: Finding[] = [];
  const checked = file.endsWith('.md') ? checkLinks(file, text, index, out) : text;
  checked.split('\n').forEach((line, i) => {
    for (const { pattern, problem } of OUTSIDE) if (pattern.test(line)) out.push({ file, line: i + 1, problem });
  });
  for (const match of text.matchAll(SECTION_REF)) {
    for (const n of match[1].matchAll(/§(\d+)/g)) {
      if (!index.sections.has(Number(n[1]))) {
        out.push({ file, line: lineOf(text, match.index), problem: `docs/architecture.md has no §${n[1]}` });
      }
    }
  }
  for (const match of text.matchAll(VENDORS_SECTION_REF)) {
    if (!index.vendorsText.includes(match[1].toLowerCase())) {
      out.push({
        file,
        line: lineOf(text, match.index),
        problem: `docs/vendor-facts.md says nothing of "${match[1]}"`,
      });
    }
  }
  return out;
}

/** Section numbers from `## §N Title` headings. */
function sectionsOf(markdown: string): number[] {
  return [...markdown.matchAll(/^## §(\d+) \S/gm)].map((m) => Number(m[1]));
}

function repoFiles(): string[] {
  // Tracked and new (not ignored) files: what a commit of this checkout would contain.
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return [...new Set(listed.split('\0').filter(Boolean))].filter(
    (f) => f !== SELF && f !== 'package-lock.json' && existsSync(path.join(ROOT, f)),
  );
}

function read(repoPath: string): string {
  return readFileSync(path.join(ROOT, repoPath), 'utf8');
}

const sample: DocIndex = {
  sections: new Set([1, 2, 6]),
  vendorsText: '## sms\ncommon practice: 6 digits',
  exists: (p) => ['docs/vendor-facts.md', 'docs/architecture.md', 'README.md', 'backend'].includes(p),
  read: (p) =>
    ({
      'docs/architecture.md': '# T\n## §6 Signed messages (and webhooks)\n## `npm start`, ports\n',
      'README.md': '# AI Photo\n## Folders\n',
    })[p] ?? '',
};

/*
 * The fixtures below must contain the very references the check forbids. They are put together
 * from pieces so that this file itself names no outside document and passes the same check.
 */
const UP = '..';
const NOTES = 'shared';
const OLD_DESIGN = ['ARCHI', 'TECTURE'].join('');
const OLD_FACTS = ['vendors', 'md'].join('.');

describe('references stay inside the repo', () => {
  it('flags the old design notes, machine paths, the old vendor notes and bare vendor-facts.md', () => {
    const cases: Array<[string, string, string]> = [
      ['a.ts', `// the data model of ${OLD_DESIGN} §3`, 'old ARCHITECTURE file'],
      ['a.json', `"about": "signing (${OLD_DESIGN} 6)"`, 'old ARCHITECTURE file'],
      ['a.md', `see ${UP}/${NOTES}/design/notes.md`, 'notes outside the repo'],
      ['a.ts', `const facts = '${UP}/${NOTES}/reference/vendor-facts.md';`, 'notes outside the repo'],
      ['a.ts', '/** settings of vendor-facts.md */', 'vendor-facts.md without docs/'],
      ['a.ts', `/** settings in docs/${OLD_FACTS} */`, 'names the old vendor notes file'],
      ['a.ts', "const dir = '/work/main/.data';", 'path of one machine'],
      ['a.sh', 'cp key file:///root/.ssh/id', 'path of one machine'],
    ];
    for (const [file, text, expected] of cases) {
      expect(findProblems(file, text, sample).map((f) => f.problem)).toContainEqual(expect.stringContaining(expected));
    }
  });

  it('accepts the repo’s own folders named shared, docs/ references, URLs and container paths', () => {
    const fine = [
      `import { verifySignedMessage } from '${UP}/${UP}/${NOTES}/signature';`,
      "import { call } from '@shared/api';",
      '/** RunningHub codes (docs/vendor-facts.md) */',
      '// signing of docs/architecture.md §6, see docs/architecture.md §2, §6',
      '- n8n-data:/home/node/.n8n',
      'https://example.com/work/items and https://cdn.example.com/root/a.png',
      '`flock /tmp/aiphoto-npm.lock npm install`',
      'docs/vendor-facts.md "common practice"',
    ];
    for (const text of fine) expect(findProblems('x/a.ts', text, sample)).toEqual([]);
  });

  it('flags a section number docs/architecture.md does not have, in every form of the reference', () => {
    const problems = (text: string) => findProblems('a.ts', text, sample).map((f) => f.problem);
    expect(problems('(docs/architecture.md §9)')).toEqual(['docs/architecture.md has no §9']);
    expect(problems('(docs/architecture.md §2, §12)')).toEqual(['docs/architecture.md has no §12']);
    expect(problems('## Messages (architecture.md §1 and §7)')).toEqual(['docs/architecture.md has no §7']);
    expect(problems('docs/vendor-facts.md "queue mode"')).toEqual([
      'docs/vendor-facts.md says nothing of "queue mode"',
    ]);
  });

  it('checks relative Markdown links: inside the repo, to files that exist', () => {
    const problems = (file: string, text: string) => findProblems(file, text, sample).map((f) => f.problem);
    expect(
      problems('docs/a.md', 'see [docs/vendor-facts.md](vendor-facts.md) and [the map](../README.md#folders)'),
    ).toEqual([]);
    expect(problems('docs/a.md', '[api](https://example.com/x.md) [top](#top) [code](../backend)')).toEqual([]);
    const outside = `${UP}/${UP}/${NOTES}/design/${OLD_DESIGN}.md`;
    expect(problems('docs/a.md', `[notes](${outside})`)).toContain(`link leaves the repo: ${outside}`);
    expect(problems('docs/a.md', '[gone](missing.md)')).toEqual(['link to a missing file: missing.md']);
  });

  it('checks #anchors of Markdown links against the headings GitHub renders', () => {
    const problems = (text: string) => findProblems('docs/a.md', text, sample).map((f) => f.problem);
    expect(
      problems('[§6](architecture.md#6-signed-messages-and-webhooks) [x](architecture.md#npm-start-ports)'),
    ).toEqual([]);
    expect(problems('[§7](architecture.md#7-http-api)')).toEqual([
      'link to a missing heading: architecture.md#7-http-api',
    ]);
  });

  it('reads ## §N headings as the sections', () => {
    expect(sectionsOf('# T\n## §1 Parts\ntext §9\n## §2 Modes\n### §3 not a section\n')).toEqual([1, 2]);
  });

  describe('this repository', () => {
    const architecture = read('docs/architecture.md');
    const index: DocIndex = {
      sections: new Set(sectionsOf(architecture)),
      vendorsText: read('docs/vendor-facts.md').toLowerCase(),
      exists: (p) => existsSync(path.join(ROOT, p)),
      read,
    };

    it('numbers the sections of docs/architecture.md 1, 2, 3 … without gaps', () => {
      const numbers = sectionsOf(architecture);
      expect(numbers.length).toBeGreaterThanOrEqual(11);
      expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    });

    it('has no file that points outside it or at a missing section', () => {
      const findings: string[] = [];
      for (const file of repoFiles()) {
        const text = read(file);
        if (text.includes('\0')) continue; // binary
        for (const f of findProblems(file, text, index)) findings.push(`${f.file}:${f.line} ${f.problem}`);
      }
      expect(findings).toEqual([]);
    });
  });
});
