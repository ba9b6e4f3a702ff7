import { resolve } from 'node:path';
import { RegistryClient } from '@imprint/client';
import { defaultDataDir, openRegistryStorage, startRegistryServer } from '@imprint/registry';

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
  return flag ? resolve(flag) : defaultDataDir(env);
}

/**
 * Connects to `--registry` / `$IMPRINT_REGISTRY_URL` (with `$IMPRINT_CLIENT_ID`
 * / `$IMPRINT_CLIENT_SECRET`), or, with no URL, starts the embedded registry of
 * the data directory on 127.0.0.1 (a free port) for the command's duration.
 */
export async function connectRegistry(flags: RegistryFlags, env: Env): Promise<RegistryConnection> {
  const url = flags.registry ?? env.IMPRINT_REGISTRY_URL;
  if (url) {
    const client = new RegistryClient({
      baseUrl: url,
      ...(env.IMPRINT_CLIENT_ID ? { clientId: env.IMPRINT_CLIENT_ID } : {}),
      ...(env.IMPRINT_CLIENT_SECRET ? { clientSecret: env.IMPRINT_CLIENT_SECRET } : {}),
      retries: { attempts: 2, baseDelayMs: 200, maxDelayMs: 1000 },
    });
    return { client, close: async () => undefined };
  }
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
