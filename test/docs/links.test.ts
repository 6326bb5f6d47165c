/**
 * The README and docs/ are read by someone who cloned the repository and has nothing else: every
 * Markdown link must name a file inside the repository that exists (no `..` out of it, no web
 * addresses, no links to a sibling folder such as ../shared/), and every #anchor a heading there.
 * Bare URLs outside code count as links (GitHub turns them into links).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');

/** External addresses allowed in the documents: none (the contract: links only inside the repository). */
const ALLOWED_EXTERNAL: readonly string[] = [];

const DOCUMENTS = ['README.md', 'emulator/README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Fenced blocks and inline code out: what is in them is text, not a link. */
export function proseOf(markdown: string): string {
  return markdown
    .replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?\n\1[^\n]*$/gm, '')
    .replace(/(`+)[\s\S]*?\1/g, '');
}

/** Link targets: inline `[text](target "title")`, images, reference definitions, `<autolinks>`, HTML href/src, bare URLs. */
export function linkTargets(markdown: string): string[] {
  const prose = proseOf(markdown);
  const out: string[] = [];
  for (const m of prose.matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]*)>?(?:\s+["'(][^)]*)?\)/g)) out.push(m[1]!);
  for (const m of prose.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)) out.push(m[1]!);
  for (const m of prose.matchAll(/<([a-z][a-z0-9+.-]*:[^>\s]+)>/gi)) out.push(m[1]!);
  for (const m of prose.matchAll(/\b(?:href|src)\s*=\s*["']([^"']+)["']/gi)) out.push(m[1]!);
  const withoutLinks = prose.replace(/\]\([^)]*\)/g, '](…)').replace(/<[^>]*>/g, '');
  for (const m of withoutLinks.matchAll(/\b(?:https?|ftp):\/\/[^\s)>\]]+|\bwww\.[a-z0-9-]+\.[^\s)>\]]+/gi)) out.push(m[0]);
  return out;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
export function anchorsOf(markdown: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  const withoutFences = markdown.replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?\n\1[^\n]*$/gm, '');
  for (const m of withoutFences.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = m[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** What is wrong with one target of the document at `file` (repository-relative), or undefined. */
export function problemWith(file: string, target: string, root = ROOT): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//') || /^www\./i.test(target)) {
    return ALLOWED_EXTERNAL.includes(target) ? undefined : `${target}: links outside the repository are not allowed`;
  }
  const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
  let path: string;
  try {
    path = decodeURIComponent(pathPart);
  } catch {
    return `${target}: not valid percent-encoding`;
  }
  const absolute = path === '' ? join(root, file) : path.startsWith('/') ? join(root, path) : resolve(root, dirname(file), path);
  const rel = relative(root, absolute);
  if (rel.startsWith('..') || resolve(root, rel) !== absolute) return `${target}: leaves the repository`;
  if (rel.split('/').includes('node_modules')) return `${target}: not a file of the repository`;
  if (!existsSync(absolute)) return `${target}: ${rel} does not exist`;
  if (anchor !== undefined && anchor !== '') {
    if (!statSync(absolute).isFile() || !absolute.endsWith('.md')) return `${target}: an anchor into a file that is not Markdown`;
    if (!anchorsOf(readFileSync(absolute, 'utf8')).has(anchor)) return `${target}: no heading #${anchor} in ${rel}`;
  }
  return undefined;
}

describe('the link checker', () => {
  const sample = [
    '# Title',
    '## Quick start (two commands)',
    'See [the API](docs/openapi.yaml), [config](docs/configuration.md#which-credential-is-used) and [top](#quick-start-two-commands).',
    '[contract](../shared/contract.md) [web](https://example.com/x) <https://example.org> www.example.net',
    '![img](./missing.png)',
    '[ref]: ../outside.md',
    '<a href="http://example.com">x</a> and a bare https://example.com/bare here.',
    '`https://in.code/is-text` and `[not](a-link.md)`',
    '```sh',
    'curl https://in.a.fence/ [x](nope.md)',
    '```',
  ].join('\n');

  it('finds every kind of link and none in code', () => {
    expect(linkTargets(sample).sort()).toEqual(
      [
        'docs/openapi.yaml',
        'docs/configuration.md#which-credential-is-used',
        '#quick-start-two-commands',
        '../shared/contract.md',
        'https://example.com/x',
        'https://example.org',
        'www.example.net',
        './missing.png',
        '../outside.md',
        'http://example.com',
        'https://example.com/bare',
      ].sort(),
    );
  });

  it('accepts files and headings of the repository, refuses everything else', () => {
    expect(problemWith('README.md', 'docs/openapi.yaml')).toBeUndefined();
    expect(problemWith('docs/configuration.md', '../emulator/README.md')).toBeUndefined();
    expect(problemWith('docs/configuration.md', '#which-credential-is-used')).toBeUndefined();
    expect(problemWith('README.md', 'docs/configuration.md#which-credential-is-used')).toBeUndefined();
    expect(problemWith('README.md', '../shared/contract.md')).toMatch(/leaves the repository/);
    expect(problemWith('README.md', 'docs/../../x.md')).toMatch(/leaves the repository/);
    expect(problemWith('README.md', 'https://github.com/x/y')).toMatch(/outside the repository/);
    expect(problemWith('README.md', 'mailto:a@b.c')).toMatch(/outside the repository/);
    expect(problemWith('README.md', '//cdn.example.com/x')).toMatch(/outside the repository/);
    expect(problemWith('README.md', 'docs/nothing-here.md')).toMatch(/does not exist/);
    expect(problemWith('README.md', 'docs/configuration.md#no-such-heading')).toMatch(/no heading/);
    expect(problemWith('README.md', 'node_modules/yaml/package.json')).toMatch(/not a file of the repository/);
  });
});

describe.each(DOCUMENTS)('%s', (file) => {
  it('links only to files (and headings) inside the repository', () => {
    const markdown = readFileSync(join(ROOT, file), 'utf8');
    const problems = linkTargets(markdown)
      .map((t) => problemWith(file, t))
      .filter((p): p is string => p !== undefined);
    expect(problems).toEqual([]);
  });
});

describe('README.md', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  it('points at the reference documents in docs/', () => {
    const targets = linkTargets(readme);
    for (const doc of ['docs/openapi.yaml', 'docs/configuration.md', 'emulator/README.md']) expect(targets).toContain(doc);
  });
  it('keeps the two-command quick start', () => {
    expect(readme).toMatch(/## Quick start[\s\S]*?```sh\nnpm ci && npm start[^\n]*\nnpm test[^\n]*\n```/);
  });
});
