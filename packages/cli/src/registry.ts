import { resolve } from 'node:path';
import type { RegistryClient } from '@imprint/client';
import { client, registry } from './lazy';

/** Environment the CLI reads. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Flags every registry command accepts. */
export interface RegistryFlags {
  registry?: string;
  dataDir?: string;
}

/** A client, and what to close when the command ends. */
export interface RegistryConnection {
  readonly client: RegistryClient;
  /** Set in embedded mode: the local server's URL. */
  readonly embeddedUrl?: string;
  close(): Promise<void>;
}

/** `--data-dir`, else `$IMPRINT_DATA_DIR`, else `$XDG_DATA_HOME/imprint`, else `~/.local/share/imprint`. */
export function resolveDataDir(flag: string | undefined, env: Env): string {
  return flag ? resolve(flag) : registry().defaultDataDir(env);
}

/**
 * The principal's credentials: `$IMPRINT_CLIENT_ID` / `$IMPRINT_CLIENT_SECRET`,
 * else Packer's and Terraform's `$HCP_CLIENT_ID` / `$HCP_CLIENT_SECRET` (what
 * `imprint-registry principals create` prints), so one environment serves all three.
 * The two variables of a pair are taken together: IMPRINT_* wins when either is set.
 */
export function credentialsFrom(env: Env): { clientId?: string; clientSecret?: string } {
  const [id, secret] =
    env.IMPRINT_CLIENT_ID || env.IMPRINT_CLIENT_SECRET
      ? [env.IMPRINT_CLIENT_ID, env.IMPRINT_CLIENT_SECRET]
      : [env.HCP_CLIENT_ID, env.HCP_CLIENT_SECRET];
  return { ...(id ? { clientId: id } : {}), ...(secret ? { clientSecret: secret } : {}) };
}

/**
 * Connects to `--registry` / `$IMPRINT_REGISTRY_URL` (with the credentials of
 * {@link credentialsFrom}), or, with no URL, starts the embedded registry of
 * the data directory on 127.0.0.1 (a free port) for the command's duration.
 */
export async function connectRegistry(flags: RegistryFlags, env: Env): Promise<RegistryConnection> {
  const url = flags.registry ?? env.IMPRINT_REGISTRY_URL;
  if (url) {
    const { RegistryClient } = client();
    const remote = new RegistryClient({
      baseUrl: url,
      ...credentialsFrom(env),
      retries: { attempts: 2, baseDelayMs: 200, maxDelayMs: 1000 },
    });
    return { client: remote, close: async () => undefined };
  }
  const { openRegistryStorage, startRegistryServer } = registry();
  const { RegistryClient } = client();
  const storage = await openRegistryStorage({ dataDir: resolveDataDir(flags.dataDir, env) });
  let server;
  try {
    server = await startRegistryServer({
      storage,
      host: '127.0.0.1',
      port: 0,
      sweepIntervalMs: 0,
      logger: false,
      closeStorage: true,
    });
  } catch (error) {
    await storage.close();
    throw error;
  }
  const running = server;
  return {
    client: new RegistryClient({ baseUrl: running.url, retries: false }),
    embeddedUrl: running.url,
    close: () => running.close(),
  };
}

/** Runs `fn` with a connection, closing it afterwards. */
export async function withRegistry<T>(
  flags: RegistryFlags,
  env: Env,
  fn: (client: RegistryClient) => Promise<T>,
): Promise<T> {
  const connection = await connectRegistry(flags, env);
  try {
    return await fn(connection.client);
  } finally {
    await connection.close();
  }
}
