import { readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';

/*
 * A published package must declare exactly the packages its code uses: an
 * import missing from `dependencies` works inside this workspace (hoisting)
 * and breaks for whoever installs the package from a registry; a dependency
 * nothing imports is weight every install carries.
 */
const root = path.resolve(__dirname, '../..');

interface Manifest {
  name: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry) && !entry.endsWith('.d.ts') ? [full] : [];
  });
}

/** `fastify`, `@fastify/static`, `pg` from `pg/lib/x`, `@a/b` from `@a/b/c`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Static and dynamic imports, re-exports and `require()`. Not
 * `require.resolve()`: it only looks a package up, for what may be absent
 * (the registry finds the console workspace that way in development). A
 * side-effect import (`import 'x'`) is a statement of its own at the start of
 * a line: elsewhere `import'` is text (`.command('import')`, "the import's").
 */
const SPECIFIER =
  /(?:^|[^.\w])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|(?:^|[^.\w])(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/gm;

function importedPackages(srcDir: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of sourceFiles(srcDir)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(SPECIFIER)) {
      const specifier = match[1] ?? match[2] ?? match[3];
      if (specifier.startsWith('.') || specifier.startsWith('node:')) continue;
      const name = packageOf(specifier);
      if (builtinModules.includes(name)) continue;
      if (!found.has(name)) found.set(name, path.relative(root, file));
    }
  }
  return found;
}

const publishable = readdirSync(path.join(root, 'packages'))
  .map((dir) => path.join(root, 'packages', dir))
  .filter((dir) => statSync(path.join(dir, 'package.json'), { throwIfNoEntry: false }))
  .map((dir) => ({
    dir,
    manifest: JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest,
  }))
  .filter(({ manifest }) => manifest.private !== true);

describe.each(publishable.map((p) => [p.manifest.name, p] as const))(
  '%s declares what it imports',
  (_name, { dir, manifest }) => {
    const imported = importedPackages(path.join(dir, 'src'));
    const declared = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);

    it('every package its source imports is a dependency', () => {
      const missing = [...imported]
        .filter(([name]) => name !== manifest.name && !declared.has(name))
        .map(([name, file]) => `${name} (imported by ${file})`);
      expect(missing).toEqual([]);
    });

    it('every dependency is imported by its source', () => {
      expect([...declared].filter((name) => !imported.has(name))).toEqual([]);
    });

    it('depends on no private workspace package', () => {
      const privateNames = readdirSync(path.join(root, 'packages'))
        .map((d) => path.join(root, 'packages', d, 'package.json'))
        .filter((file) => statSync(file, { throwIfNoEntry: false }))
        .map((file) => JSON.parse(readFileSync(file, 'utf8')) as Manifest)
        .filter((m) => m.private === true)
        .map((m) => m.name);
      expect([...declared].filter((name) => privateNames.includes(name))).toEqual([]);
    });
  },
);
