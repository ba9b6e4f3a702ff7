import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import {
  DEFAULT_TOKEN_RATE_LIMIT_GLOBAL,
  DEFAULT_TOKEN_RATE_LIMIT_PER_CLIENT,
  createRegistryCli,
} from '@imprint/registry';

jest.setTimeout(60_000);

const PACKAGE = path.join(__dirname, '..', '..');

describe('imprint-registry start-up', () => {
  it('--help, --version and usage errors load neither the server, the storage, the client nor x509', async () => {
    // Regression: the program imported its defaults from the server and the storage, so
    // `imprint-registry --help` loaded fastify and both database drivers (6.4x a bare `node -e 0`).
    const heavy =
      /node_modules\/(fastify|@fastify|kysely|better-sqlite3|pg|@peculiar|@sinclair|class-validator|rate-limiter-flexible)\/|packages\/(client|sdk)\/|packages\/registry\/src\/(http|storage|domain|auth|errors|resources)\/|packages\/registry\/src\/tls\/(self-signed|write-pair|tls-pair)/;
    const probe = `
      require(${JSON.stringify(require.resolve('ts-node/register/transpile-only'))});
      const { main } = require(${JSON.stringify(path.join(PACKAGE, 'src', 'bin', 'cli.ts'))});
      const io = { stdout() {}, stderr() {} };
      (async () => {
        const codes = [];
        for (const args of [
          ['--help'], ['--version'], ['serve', '--help'], ['tls', 'create', '--help'], ['env', '--help'],
          ['--frobnicate'], ['serve', '--listen', 'nonsense'], ['serve', '--tls-cert', 'cert.pem'],
          ['tls', 'create', '--days', '0'], ['env', '--shell', 'zsh'], ['env', '--url', 'http://x'],
        ]) codes.push(await main(args, io));
        const loaded = Object.keys(require.cache).filter((f) => ${heavy}.test(f));
        process.stdout.write(JSON.stringify({ codes, loaded }));
      })();`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', probe], {
      cwd: PACKAGE,
      env: { ...process.env, TS_NODE_PROJECT: path.join(PACKAGE, 'tsconfig.json') },
    });
    expect(JSON.parse(stdout)).toEqual({ codes: [0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2], loaded: [] });
  });
});

describe('imprint-registry defaults', () => {
  it('serve shows the token rate limits the server applies (one value, kept apart from the server for --help)', async () => {
    let help = '';
    const cli = createRegistryCli({ io: { stdout: (t) => void (help += t), stderr: () => {} } });
    await expect(
      cli.command.parseAsync(['serve', '--help'], { from: 'user' }),
    ).rejects.toMatchObject({
      code: 'commander.helpDisplayed',
    });
    expect(help).toMatch(
      new RegExp(
        `--token-rate-limit <n>[^]*?\\(default: ${DEFAULT_TOKEN_RATE_LIMIT_PER_CLIENT}\\)`,
      ),
    );
    expect(help).toMatch(
      new RegExp(
        `--token-rate-limit-global <n>[^]*?\\(default: ${DEFAULT_TOKEN_RATE_LIMIT_GLOBAL}\\)`,
      ),
    );
  });
});
