import { TemplateSyntaxError } from '../errors';
import { escapePointer } from './json-lines';

/** One block header found in the HCL text, in source order. */
interface BlockHeader {
  /** Block type followed by its labels, e.g. `['source', 'docker-like', 'base']`. */
  readonly words: readonly string[];
  readonly line: number;
  /** Headers of the nested blocks, in source order. */
  readonly children: BlockHeader[];
}

/** `true` when `file` names an HCL2 template (`*.pkr.hcl`, `*.hcl`). */
export function isHclTemplate(file: string): boolean {
  return /\.hcl$/i.test(file);
}

/**
 * Parses an HCL2 template with `@cdktf/hcl2json` and maps it onto the JSON
 * template form (`sources`, `data`, `build`, `variables`, `required_plugins`,
 * `registry`), with the line of each mapped JSON pointer.
 */
export async function hclToRawTemplate(
  text: string,
  file: string,
): Promise<{ raw: Record<string, unknown>; lines: Map<string, number> }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parse } = require('@cdktf/hcl2json') as {
    parse(name: string, text: string): Promise<Record<string, unknown>>;
  };
  let doc: Record<string, unknown>;
  try {
    doc = await parse(file, text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /:(\d+),(\d+)(?:-\d+(?:,\d+)?)?:\s*([^\]]*)/.exec(message);
    const problem = position ? position[3].trim() : message;
    throw new TemplateSyntaxError(
      { file, ...(position ? { line: Number(position[1]) } : {}) },
      `not valid HCL: ${problem}${position ? ` (column ${position[2]})` : ''}`,
      { cause: error },
    );
  }
  const headers = scanBlocks(text);
  const lines = new Map<string, number>([['', 1]]);
  const raw: Record<string, unknown> = {};
  const headerLine = (words: string[]) =>
    headers.find((h) => words.every((w, i) => h.words[i] === w))?.line;
  const setLine = (pointer: string, line: number | undefined) => {
    if (line !== undefined) lines.set(pointer, line);
  };

  for (const [key, value] of Object.entries(doc)) {
    switch (key) {
      case 'packer': {
        const plugins: Record<string, unknown> = {};
        for (const block of asList(value)) {
          for (const rp of asList((block as Record<string, unknown>).required_plugins)) {
            for (const [name, spec] of Object.entries(rp as Record<string, unknown>)) {
              plugins[name] =
                typeof spec === 'object' && spec !== null && 'source' in spec
                  ? (spec as { source: unknown }).source
                  : spec;
            }
          }
        }
        raw.required_plugins = plugins;
        setLine('/required_plugins', headerLine(['required_plugins']));
        break;
      }
      case 'variable': {
        const variables: Record<string, unknown> = {};
        for (const [name, blocks] of Object.entries(value as Record<string, unknown>)) {
          const spec = { ...(asList(blocks)[0] as Record<string, unknown>) };
          if (typeof spec.type === 'string') spec.type = hclType(spec.type);
          variables[name] = spec;
          setLine(`/variables/${escapePointer(name)}`, headerLine(['variable', name]));
        }
        raw.variables = variables;
        break;
      }
      case 'source':
      case 'data': {
        // `source "<type>" "<name>"` → sources["<type>.<name>"]; `data` blocks alike.
        const target = key === 'source' ? 'sources' : 'data';
        const blocks: Record<string, unknown> = {};
        for (const [type, named] of Object.entries(value as Record<string, unknown>)) {
          for (const [name, list] of Object.entries(named as Record<string, unknown>)) {
            const k = `${type}.${name}`;
            blocks[k] = asList(list)[0];
            const line = headerLine([key, type, name]);
            setLine(`/${target}/${escapePointer(k)}`, line);
            // Data arguments get their own lines: references in them are checked one by one.
            if (key === 'data') {
              for (const [attr, at] of attributeLines(text, line)) {
                setLine(`/data/${escapePointer(k)}/${escapePointer(attr)}`, at);
              }
            }
          }
        }
        raw[target] = blocks;
        break;
      }
      case 'build': {
        const buildHeaders = headers.filter((h) => h.words[0] === 'build');
        raw.build = asList(value).map((block, i) =>
          mapBuild(block as Record<string, unknown>, `/build/${i}`, buildHeaders[i], lines),
        );
        break;
      }
      case 'registry':
      case 'hcp_packer_registry':
        raw.registry = asList(value)[0];
        setLine('/registry', headerLine([key]));
        for (const [name, line] of attributeLines(text, headerLine([key]))) {
          setLine(`/registry/${escapePointer(name)}`, line);
        }
        break;
      default:
        raw[key] = value;
    }
  }
  return { raw, lines };
}

/**
 * The line of each `name = …` attribute directly inside the block whose header
 * is on `headerLine` (braces in strings and comments are rare in these blocks
 * and only cost a line number).
 */
function attributeLines(text: string, headerLine: number | undefined): Map<string, number> {
  const found = new Map<string, number>();
  if (headerLine === undefined) return found;
  const lines = text.split('\n');
  let depth = 0;
  for (let i = headerLine - 1; i < lines.length; i++) {
    const line = lines[i].replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/(#|\/\/).*$/, '');
    const attribute = /^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*=/.exec(line);
    if (depth === 1 && attribute && !found.has(attribute[1])) found.set(attribute[1], i + 1);
    for (const ch of line) {
      if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') depth--;
    }
    if (depth <= 0 && i > headerLine - 1) break;
  }
  return found;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** `${string}` → `string`, `${list(string)}` → `list`, `${map(number)}` → `map`. */
function hclType(type: string): string {
  const bare = /^\$\{(.*)\}$/s.exec(type)?.[1].trim() ?? type;
  const head = /^([a-z]+)/.exec(bare)?.[1] ?? bare;
  if (head === 'list' || head === 'set' || head === 'tuple') return 'list';
  if (head === 'map' || head === 'object') return 'map';
  return head;
}

type Entry = { type: string } & Record<string, unknown>;

/**
 * Takes the post-processors of one `post-processor` group (hcl2json groups
 * them by type) in source order, as given by `order` (the types in the
 * order of the block headers).
 */
function ordered(group: unknown, order: readonly string[]): Entry[] {
  const byType = new Map<string, unknown[]>();
  for (const [type, blocks] of Object.entries((group ?? {}) as Record<string, unknown>)) {
    byType.set(type, [...asList(blocks)]);
  }
  const out: Entry[] = [];
  for (const type of order) {
    const next = byType.get(type)?.shift();
    if (next !== undefined) out.push({ type, ...(next as Record<string, unknown>) });
  }
  for (const [type, rest] of byType) {
    for (const entry of rest) out.push({ type, ...(entry as Record<string, unknown>) });
  }
  return out;
}

function mapBuild(
  block: Record<string, unknown>,
  pointer: string,
  header: BlockHeader | undefined,
  lines: Map<string, number>,
): Record<string, unknown> {
  if (header) lines.set(pointer, header.line);
  const out: Record<string, unknown> = {};
  const chains: Entry[][] = [];
  const chainLines: (number | undefined)[][] = [];
  const singles = header?.children.filter((c) => c.words[0] === 'post-processor') ?? [];
  const groups = header?.children.filter((c) => c.words[0] === 'post-processors') ?? [];
  // Standalone `post-processor` blocks and `post-processors` chains, in source order.
  const standalone = ordered(
    block['post-processor'],
    singles.map((s) => s.words[1]),
  );
  const chainBlocks = asList(block['post-processors']).map((chain, i) => {
    const children = groups[i]?.children.filter((c) => c.words[0] === 'post-processor') ?? [];
    return {
      entries: ordered(
        (chain as Record<string, unknown>)['post-processor'],
        children.map((c) => c.words[1]),
      ),
      lines: children.map((c) => c.line),
      line: groups[i]?.line,
    };
  });
  const items: { line: number; chain: Entry[]; lines: (number | undefined)[] }[] = [];
  standalone.forEach((entry, i) =>
    items.push({ line: singles[i]?.line ?? Infinity, chain: [entry], lines: [singles[i]?.line] }),
  );
  chainBlocks.forEach((c) =>
    items.push({ line: c.line ?? Infinity, chain: c.entries, lines: c.lines }),
  );
  items.sort((a, b) => a.line - b.line);
  for (const item of items) {
    chains.push(item.chain);
    chainLines.push(item.lines);
  }
  for (const [key, value] of Object.entries(block)) {
    if (key === 'post-processor' || key === 'post-processors') continue;
    if (key === 'sources') {
      out.sources = asList(value).map((s) =>
        typeof s === 'string' ? s.replace(/^source\./, '') : s,
      );
    } else {
      out[key] = value;
    }
  }
  if (chains.length > 0) {
    out.post_processors = chains;
    chainLines.forEach((ls, c) =>
      ls.forEach((line, p) => {
        if (line !== undefined) lines.set(`${pointer}/post_processors/${c}/${p}`, line);
      }),
    );
  }
  return out;
}

/**
 * A light scan of the HCL text for block headers (`word "label" … {`) and
 * their nesting, skipping strings, comments and heredocs. Used only for
 * source order and line numbers; hcl2json does the parsing.
 */
function scanBlocks(text: string): BlockHeader[] {
  const root: BlockHeader = { words: [], line: 0, children: [] };
  const stack: (BlockHeader | undefined)[] = [root];
  let words: string[] = [];
  let wordsLine = 1;
  let line = 1;
  let i = 0;
  let lastSignificant = '\n';
  const n = text.length;
  while (i < n) {
    const ch = text[i];
    if (ch === '\n') {
      line++;
      i++;
      words = [];
      lastSignificant = '\n';
      continue;
    }
    if (ch === '#' || (ch === '/' && text[i + 1] === '/')) {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (ch === '/' && text[i + 1] === '*') {
      i += 2;
      while (i < n && !(text[i] === '*' && text[i + 1] === '/')) {
        if (text[i] === '\n') line++;
        i++;
      }
      i += 2;
      continue;
    }
    if (ch === '<' && text[i + 1] === '<') {
      const m = /^<<-?([A-Za-z_][A-Za-z0-9_]*)[^\n]*\n/.exec(text.slice(i));
      if (m) {
        const end = new RegExp(`^\\s*${m[1]}\\s*$`);
        i += m[0].length;
        line++;
        for (;;) {
          const nl = text.indexOf('\n', i);
          const current = text.slice(i, nl === -1 ? n : nl);
          i = nl === -1 ? n : nl;
          if (end.test(current) || nl === -1) break;
          i++;
          line++;
        }
        words = [];
        continue;
      }
    }
    if (ch === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') {
        if (text[j] === '\\') j++;
        else if (text[j] === '\n') line++;
        j++;
      }
      if (words.length > 0) words.push(text.slice(i + 1, j));
      i = j + 1;
      lastSignificant = '"';
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      let j = i;
      while (j < n && /[A-Za-z0-9_-]/.test(text[j])) j++;
      if (words.length === 0 && (lastSignificant === '\n' || lastSignificant === '{')) {
        words = [text.slice(i, j)];
        wordsLine = line;
      } else if (words.length > 0) {
        words = [];
        lastSignificant = 'x';
      }
      i = j;
      continue;
    }
    if (ch === '{') {
      const parent = stack[stack.length - 1];
      if (words.length > 0 && parent) {
        const header: BlockHeader = { words, line: wordsLine, children: [] };
        parent.children.push(header);
        stack.push(header);
      } else {
        stack.push(undefined);
      }
      words = [];
      lastSignificant = '{';
      i++;
      continue;
    }
    if (ch === '}') {
      if (stack.length > 1) stack.pop();
      words = [];
      lastSignificant = '}';
      i++;
      continue;
    }
    if (ch !== ' ' && ch !== '\t' && ch !== '\r') {
      words = [];
      lastSignificant = ch;
    }
    i++;
  }
  return flatten(root.children);
}

/** Top-level headers, plus `required_plugins` found under `packer`. */
function flatten(top: BlockHeader[]): BlockHeader[] {
  const out = [...top];
  for (const h of top) {
    if (h.words[0] === 'packer') out.push(...h.children);
  }
  return out;
}
