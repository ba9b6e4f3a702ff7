import { BUILTIN_DATA_SOURCES } from '../data/builtin-data-sources';
import type { DataReference } from '../data/data-refs';
import { referenceText } from '../data/data-refs';
import type { TemplateError } from '../errors';
import { TemplateInvalidError, UnknownPluginError } from '../errors';
import { escapePointer } from './json-lines';
import type { DataDefinition } from './template';

type At = (pointer: string) => { file: string; line?: number; field: string };

/**
 * The data blocks in dependency order (a block after every block its
 * arguments reference), and the problems of the references found anywhere in
 * the template: unknown blocks, cycles between blocks, plugin types without a
 * `required_plugins` entry. Outputs are checked later, against what each data
 * source declares (validateTemplate).
 */
export function orderDataBlocks(
  blocks: readonly DataDefinition[],
  references: readonly DataReference[],
  requiredPlugins: Readonly<Record<string, string>>,
  at: At,
): { data: Map<string, DataDefinition>; problems: TemplateError[] } {
  const problems: TemplateError[] = [];
  const byKey = new Map(blocks.map((b) => [b.key, b]));
  const pointerOf = (key: string) => `/data/${escapePointer(key)}`;
  for (const block of blocks) {
    if (!BUILTIN_DATA_SOURCES.has(block.type) && !Object.hasOwn(requiredPlugins, block.type)) {
      problems.push(
        new UnknownPluginError(
          at(pointerOf(block.key)),
          `data source type '${block.type}' is not built in (${[...BUILTIN_DATA_SOURCES.keys()].join(', ')}) and has no entry in required_plugins; add "required_plugins": { "${block.type}": "<npm package>" }`,
        ),
      );
    }
  }
  const dependsOn = new Map<string, string[]>(blocks.map((b) => [b.key, []]));
  for (const ref of references) {
    if (!byKey.has(ref.block)) {
      const declared = [...byKey.keys()].map((k) => `data.${k}`).join(', ');
      problems.push(
        new TemplateInvalidError(
          at(ref.pointer),
          `'${referenceText(ref)}' references the data block '${ref.block}', which is not declared (${declared === '' ? 'declare it under "data"' : `declared: ${declared}`})`,
        ),
      );
      continue;
    }
    const from = /^\/data\/([^/]+)/.exec(ref.pointer)?.[1].replace(/~1/g, '/').replace(/~0/g, '~');
    if (from !== undefined && dependsOn.has(from)) dependsOn.get(from)!.push(ref.block);
  }

  // Depth-first: a block is placed after its dependencies; meeting a block on the current path is a cycle.
  const ordered = new Map<string, DataDefinition>();
  const path: string[] = [];
  const reported = new Set<string>();
  const visit = (key: string): void => {
    if (ordered.has(key)) return;
    const start = path.indexOf(key);
    if (start !== -1) {
      const cycle = [...path.slice(start), key];
      const first = cycle.slice(0, -1).sort()[0];
      if (!reported.has(first)) {
        reported.add(first);
        problems.push(
          new TemplateInvalidError(
            at(pointerOf(key)),
            `data blocks reference each other in a cycle: ${cycle.map((k) => `data.${k}`).join(' → ')}; a data block can only use the outputs of blocks that do not depend on it`,
          ),
        );
      }
      return;
    }
    path.push(key);
    for (const dep of dependsOn.get(key) ?? []) visit(dep);
    path.pop();
    ordered.set(key, byKey.get(key)!);
  };
  for (const block of blocks) visit(block.key);
  return { data: ordered, problems };
}
