/**
 * Maps JSON pointers of a JSON text to the 1-based line where each value's
 * key (object members) or value (array elements) starts. The text must
 * already be valid JSON (JSON.parse it first).
 */
export function jsonPointerLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let pos = 0;
  let line = 1;

  const skipWs = (): void => {
    while (pos < text.length) {
      const ch = text[pos];
      if (ch === '\n') line++;
      else if (ch !== ' ' && ch !== '\t' && ch !== '\r') return;
      pos++;
    }
  };
  const readString = (): string => {
    const start = pos;
    pos++;
    while (text[pos] !== '"') pos += text[pos] === '\\' ? 2 : 1;
    pos++;
    return JSON.parse(text.slice(start, pos)) as string;
  };
  const value = (pointer: string): void => {
    skipWs();
    const ch = text[pos];
    if (ch === '{') {
      pos++;
      skipWs();
      if (text[pos] === '}') {
        pos++;
        return;
      }
      for (;;) {
        skipWs();
        const keyLine = line;
        const key = readString();
        const child = `${pointer}/${escapePointer(key)}`;
        lines.set(child, keyLine);
        skipWs();
        pos++; // ':'
        value(child);
        skipWs();
        if (text[pos++] === '}') return;
      }
    } else if (ch === '[') {
      pos++;
      skipWs();
      if (text[pos] === ']') {
        pos++;
        return;
      }
      for (let i = 0; ; i++) {
        skipWs();
        const child = `${pointer}/${i}`;
        lines.set(child, line);
        value(child);
        skipWs();
        if (text[pos++] === ']') return;
      }
    } else if (ch === '"') {
      readString();
    } else {
      while (pos < text.length && !/[\s,\]}]/.test(text[pos])) pos++;
    }
  };
  skipWs();
  lines.set('', line);
  value('');
  return lines;
}

/** Escapes one JSON pointer segment (RFC 6901). */
export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** `/sources/docker-like.base/tag` → `sources.docker-like.base.tag`. */
export function pointerToField(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

/** The line of `pointer`, or of its nearest ancestor that has one. */
export function lineOf(lines: ReadonlyMap<string, number>, pointer: string): number | undefined {
  let current = pointer;
  for (;;) {
    const found = lines.get(current);
    if (found !== undefined) return found;
    if (current === '') return undefined;
    current = current.slice(0, current.lastIndexOf('/'));
  }
}

/** 1-based line of a character offset. */
export function lineAtOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}
