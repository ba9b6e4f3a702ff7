import { isAbsolute } from 'node:path';
import { BadHostArgumentsError } from '../errors';
import type { ComponentKind } from '../protocol/manifest';
import { COMPONENT_KINDS } from '../protocol/manifest';

/** What the bridge binary starts the host with (PROTOCOL.md §2). */
export interface HostArgs {
  readonly kind: ComponentKind;
  readonly component: string;
  readonly package: string;
  readonly from: string;
}

const FLAGS = ['--kind', '--component', '--package', '--from'] as const;

/** @throws {@link BadHostArgumentsError} naming the first problem. */
export function parseHostArgs(argv: readonly string[]): HostArgs {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    if (!(FLAGS as readonly string[]).includes(flag)) {
      throw new BadHostArgumentsError(`unknown argument '${flag}'`);
    }
    const value = argv[i + 1];
    if (value === undefined || value === '')
      throw new BadHostArgumentsError(`${flag} needs a value`);
    values.set(flag, value);
  }
  const missing = FLAGS.filter((f) => !values.has(f));
  if (missing.length > 0) throw new BadHostArgumentsError(`missing ${missing.join(', ')}`);
  const kind = values.get('--kind')!;
  if (!(COMPONENT_KINDS as readonly string[]).includes(kind)) {
    throw new BadHostArgumentsError(
      `--kind is '${kind}'; expected one of ${COMPONENT_KINDS.join(', ')}`,
    );
  }
  const from = values.get('--from')!;
  if (!isAbsolute(from)) throw new BadHostArgumentsError(`--from must be absolute, got '${from}'`);
  return {
    kind: kind as ComponentKind,
    component: values.get('--component')!,
    package: values.get('--package')!,
    from,
  };
}
