import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

/*
 * What the docs tell a reader to open or type must exist and work: a link to a file that is
 * not in the repository is a dead end (issue 12, item 20), a jest pattern after
 * `--selectProjects` is read as a project name (item 19), and a fingerprint from the
 * author's run matches nothing in the reader's registry (item 18).
 */
const root = path.resolve(__dirname, '../..');
const SKIP = new Set(['node_modules', 'dist', 'coverage']);

/** Every Markdown file of the repository (not dependencies, build output or hidden dirs). */
function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith('.') || SKIP.has(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(full);
    return entry.name.endsWith('.md') ? [full] : [];
  });
}

/** Source files whose comments readers open (TypeScript and JavaScript outside dependencies). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith('.') || SKIP.has(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|js|mjs|cjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The prose of a Markdown file: fenced code blocks and inline code spans blanked out. */
function prose(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** Relative link targets: `[text](target)`, `![alt](target)` and `[label]: target`. */
function relativeTargets(text: string): string[] {
  const body = prose(text);
  const targets = [
    ...[...body.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!),
    ...[...body.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]!),
  ];
  return targets.filter((t) => !/^([a-z][a-z0-9+.-]*:|#)/i.test(t));
}

/** The fenced `sh` blocks of a Markdown file. */
function shellBlocks(text: string): string[] {
  return [...text.matchAll(/^```(?:sh|bash|shell|console)\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
}

const docs = markdownFiles(root);
const rel = (file: string) => path.relative(root, file);

describe('docs', () => {
  it('finds the Markdown files', () => {
    expect(docs.map(rel)).toEqual(
      expect.arrayContaining([
        'README.md',
        'docs/guides/first-build.md',
        'docs/guides/running-the-registry.md',
      ]),
    );
  });

  it('12.20 every relative link in a Markdown file points at a file or directory of the repository', () => {
    // The docs do link to each other: make sure the scan sees those links.
    expect(
      relativeTargets(readFileSync(path.join(root, 'docs/guides/first-build.md'), 'utf8')),
    ).toContain('../../demo/run-demo.js');
    const dead = docs.flatMap((file) =>
      relativeTargets(readFileSync(file, 'utf8'))
        .map((target) => decodeURI(target.replace(/[#?].*$/, '')))
        .filter((target) => target !== '' && !existsSync(path.resolve(path.dirname(file), target)))
        .map((target) => `${rel(file)} → ${target}`),
    );
    expect(dead).toEqual([]);
  });

  it('12.20 no doc or source comment cites shared/reference or ../shared (not in the repository)', () => {
    const files = [...docs, ...sourceFiles(root)];
    const cites = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ line, at: `${rel(file)}:${i + 1}` }))
        .filter(({ line }) => /shared\/reference|\.\.\/shared\b/.test(line))
        .map(({ at }) => at),
    );
    // This spec names the paths it looks for; nothing else may.
    expect(cites.filter((at) => !at.startsWith('test/docs/links.spec.ts:'))).toEqual([]);
  });

  it('12.19 no doc runs jest with a test pattern after --selectProjects <project> (read as a project name)', () => {
    const wrong = docs.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ line, at: `${rel(file)}:${i + 1}` }))
        .filter(({ line }) => /\bjest\b.*--selectProjects[ =]\S+\s+(?!-|#)\S/.test(line))
        .map(({ at, line }) => `${at}: ${line.trim()}`),
    );
    expect(wrong).toEqual([]);
  });

  it('12.18 first-build.md takes the fingerprints from `versions list --json` into variables and types none', () => {
    const text = readFileSync(path.join(root, 'docs/guides/first-build.md'), 'utf8');
    const commands = shellBlocks(text).join('\n');
    // A ULID: 26 Crockford base-32 characters.
    expect(commands.match(/\b[0-9A-HJKMNP-TV-Z]{26}\b/g) ?? []).toEqual([]);
    for (const [name, bucket] of [
      ['BASE', 'demo-base'],
      ['APP', 'demo-app'],
    ] as const) {
      expect(commands).toMatch(
        new RegExp(
          `^${name}=\\$\\(imprint versions list ${bucket} --json .*\\.fingerprint'\\)$`,
          'm',
        ),
      );
      expect(commands).toContain(`$${name} `);
    }
    expect(commands).toMatch(/^imprint revoke demo-base \$BASE /m);
    expect(commands).toMatch(/^imprint restore demo-base \$BASE /m);
    expect(commands).toMatch(/^imprint versions get demo-app \$APP /m);
  });
});
