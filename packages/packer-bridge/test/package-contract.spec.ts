import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as bridge from '@imprint/packer-bridge';

const packageRoot = join(__dirname, '..');

describe('package contract', () => {
  it('every error code is distinct and documented in the README', () => {
    const codes = Object.values(bridge.BRIDGE_ERROR_CODES);
    expect(new Set(codes).size).toBe(codes.length);
    const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
    expect(codes.filter((code) => !readme.includes(`\`${code}\``))).toEqual([]);
  });

  it('every exported error class has its own code from the table', () => {
    const instances = [
      new bridge.BadRequestError('x'),
      new bridge.BadHostArgumentsError('x'),
      new bridge.OutputExistsError('/x'),
      new bridge.InputCallError('x'),
      new bridge.BadPackerNameError('X'),
      new bridge.BadPluginVersionError('x', '1'),
      new bridge.UnmappablePluginError('x', ['y']),
      new bridge.HostNotBuiltError('/x'),
      new bridge.GoMissingError('x', '1.25.11'),
      new bridge.GoBuildError('/x', 'y'),
    ];
    const exported = Object.values(bridge).filter(
      (v) => typeof v === 'function' && v.prototype instanceof bridge.PackerBridgeError,
    );
    expect(instances.map((e) => e.constructor).sort()).toEqual([...exported].sort());
    const codes = instances.map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    const table = new Set<string>(Object.values(bridge.BRIDGE_ERROR_CODES));
    expect(codes.filter((c) => !table.has(c))).toEqual([]);
    for (const e of instances) expect(e.name).toBe(e.constructor.name);
  });

  it('names the protocol version the Go half reads', () => {
    const protocol = readFileSync(join(packageRoot, 'PROTOCOL.md'), 'utf8');
    expect(protocol).toContain(`"manifestVersion": ${bridge.MANIFEST_VERSION}`);
    expect(protocol).toContain(`"${bridge.PACKER_DEFAULT_NAME}"`);
  });
});
