import { RegistryConnectionError } from '@imprint/client';
import { EXIT, UsageError, createProgram, exitCodeOf, run } from '@imprint/cli';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), env: {} },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

describe('run (in-process)', () => {
  it('rejects --at with --in before contacting any registry (exit 2)', async () => {
    const c = capture();
    const code = await run(
      ['revoke', 'b', 'fp', '--at', '2030-01-01T00:00:00Z', '--in', '1h'],
      c.io,
    );
    expect(code).toBe(EXIT.USAGE);
    expect(c.err()).toBe('imprint: pass --at or --in, not both\n');
  });

  it('exits 2 on a bad --var and 0 on --help', async () => {
    const bad = capture();
    expect(await run(['validate', 'x.pkr.json', '--var', 'novalue'], bad.io)).toBe(EXIT.USAGE);
    expect(bad.err()).toContain('expected NAME=VALUE');
    const help = capture();
    expect(await run(['ancestry', '--help'], help.io)).toBe(EXIT.OK);
    expect(help.out()).toContain('--format <format>');
  });

  it('maps errors to exit codes', () => {
    expect(exitCodeOf(new UsageError('x'))).toBe(2);
    expect(
      exitCodeOf(
        new RegistryConnectionError({ method: 'GET', url: 'http://x', attempts: 1 } as never),
      ),
    ).toBe(3);
    expect(exitCodeOf(new Error('boom'))).toBe(1);
  });

  it('has --help with examples on every command', () => {
    const program = createProgram(capture().io);
    const leaves = (cmd: typeof program): (typeof program)[] =>
      cmd.commands.length === 0 ? [cmd] : cmd.commands.flatMap(leaves);
    for (const cmd of leaves(program)) {
      let help = '';
      cmd.configureOutput({ writeOut: (t) => (help += t) });
      cmd.outputHelp();
      expect(`${cmd.name()}: ${help.includes('Examples:')}`).toBe(`${cmd.name()}: true`);
    }
  });
});
