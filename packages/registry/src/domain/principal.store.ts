import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { ServiceContext } from './context';
import type {
  Actor,
  DeletePrincipalOptions,
  DeletedPrincipal,
  Principal,
  PrincipalStore,
} from './registry-contract';
import { RegistryErrors } from '../errors/registry-errors';
import { isUniqueViolation } from '../storage/sql-helpers';
import type { Db, PrincipalTable } from '../storage/schema';
import { toIso } from './time';
import { PATTERNS, ROLES } from '@imprint/client';
import { isStorableText } from './validation';

/** Principal names: what `author_id` records, so something a person recognises (a name or an email). */
export const PRINCIPAL_NAME_PATTERN = new RegExp(PATTERNS.principalName);
/** Longest token lifetime `issueToken` accepts (one year). */
export const MAX_TOKEN_TTL_SECONDS = 365 * 24 * 3600;

// scrypt N=2^14, r=8, p=1 (16 MiB, tens of ms). Secrets are 256-bit random,
// so the hash guards a database leak, not a guessable password; heavier
// parameters would only slow every token request. Stored with the hash so
// they can be raised later without invalidating existing secrets.
const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32, maxmem: 64 * 1024 * 1024 };

function scryptHash(secret: string, salt: Buffer, params = SCRYPT): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      secret,
      salt,
      params.keylen,
      { N: params.N, r: params.r, p: params.p, maxmem: params.maxmem },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

function encodeHash(key: Buffer): string {
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${key.toString('base64')}`;
}

function decodeHash(stored: string): { params: typeof SCRYPT; key: Buffer } | undefined {
  const [kind, n, r, p, key] = stored.split('$');
  if (kind !== 'scrypt' || key === undefined) return undefined;
  const decoded = Buffer.from(key, 'base64');
  return {
    params: { ...SCRYPT, N: Number(n), r: Number(r), p: Number(p), keylen: decoded.length },
    key: decoded,
  };
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function toPrincipal(row: Pick<PrincipalTable, 'id' | 'name' | 'role' | 'created_at'>): Principal {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Actor['role'],
    createdAt: toIso(Number(row.created_at)),
  };
}

/**
 * Service principals and bearer tokens in the registry database. Client
 * secrets are kept only as salted scrypt hashes, tokens only as SHA-256
 * hashes (they are 256-bit random, so a fast hash is enough); comparisons
 * are constant-time.
 */
export class SqlPrincipalStore implements PrincipalStore {
  // A fixed hash to spend the same scrypt time on unknown client ids.
  private readonly dummy = { salt: randomBytes(16), key: Buffer.alloc(SCRYPT.keylen) };

  constructor(private readonly ctx: ServiceContext) {}

  async createPrincipal(
    name: string,
    role: Actor['role'],
  ): Promise<{ principal: Principal; clientSecret: string }> {
    if (typeof name !== 'string' || !PRINCIPAL_NAME_PATTERN.test(name)) {
      throw new RegistryErrors.PrincipalNameInvalid({ name });
    }
    if (!ROLES.includes(role)) {
      throw new RegistryErrors.PrincipalRoleInvalid({ role });
    }
    const clientSecret = randomBytes(32).toString('base64url');
    const salt = randomBytes(16);
    const key = await scryptHash(clientSecret, salt);
    const now = this.ctx.nowMs();
    const row = {
      id: this.ctx.newId(),
      name,
      role,
      secret_hash: encodeHash(key),
      secret_salt: salt.toString('base64'),
      created_at: now,
    };
    const exists = () => new RegistryErrors.PrincipalExists({ name });
    try {
      await this.ctx.transaction(async (trx) => {
        if (
          await trx
            .selectFrom('principals')
            .select('id')
            .where('name', '=', name)
            .executeTakeFirst()
        )
          throw exists();
        await trx.insertInto('principals').values(row).execute();
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw exists();
      throw e;
    }
    return { principal: toPrincipal(row), clientSecret };
  }

  async listPrincipals(): Promise<Principal[]> {
    const rows = await this.ctx.db
      .selectFrom('principals')
      .select(['id', 'name', 'role', 'created_at'])
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toPrincipal);
  }

  async deletePrincipal(
    id: string,
    options: DeletePrincipalOptions = {},
  ): Promise<DeletedPrincipal> {
    const missing = () => new RegistryErrors.PrincipalNotFound({ id: String(id).slice(0, 64) });
    // An id that is not storable text (NUL, lone surrogates) names no principal.
    if (typeof id !== 'string' || !isStorableText(id)) throw missing();
    const count = async (trx: Db, role?: Actor['role']): Promise<number> => {
      let query = trx.selectFrom('principals').select((eb) => eb.fn.countAll<number>().as('n'));
      if (role) query = query.where('role', '=', role);
      return Number((await query.executeTakeFirstOrThrow()).n);
    };
    return this.ctx.transaction(async (trx) => {
      if (this.ctx.engine === 'postgres') {
        // Lock every admin first: two transactions deleting the last two admins
        // would otherwise each still see the other one (READ COMMITTED). SQLite
        // transactions are serialised already (BEGIN IMMEDIATE).
        await trx
          .selectFrom('principals')
          .select('id')
          .where('role', '=', 'admin')
          .orderBy('id')
          .forUpdate()
          .execute();
      }
      const row = await trx
        .selectFrom('principals')
        .select(['id', 'name', 'role', 'created_at'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) throw missing();
      const admins = await count(trx, 'admin');
      if (row.role === 'admin' && admins <= 1 && !options.allowLastAdmin) {
        throw new RegistryErrors.LastAdmin({ id: row.id, name: row.name });
      }
      // Tokens go with it (ON DELETE CASCADE).
      await trx.deleteFrom('principals').where('id', '=', id).execute();
      return {
        principal: toPrincipal(row),
        adminsLeft: row.role === 'admin' ? admins - 1 : admins,
        principalsLeft: await count(trx),
      };
    });
  }

  async countPrincipals(): Promise<number> {
    const { n } = await this.ctx.db
      .selectFrom('principals')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  async verifyClientCredentials(
    clientId: string,
    clientSecret: string,
  ): Promise<Principal | undefined> {
    if (
      typeof clientId !== 'string' ||
      typeof clientSecret !== 'string' ||
      clientSecret.length > 256
    )
      return undefined;
    const row =
      clientId.length <= 64
        ? await this.ctx.db
            .selectFrom('principals')
            .selectAll()
            .where('id', '=', clientId)
            .executeTakeFirst()
        : undefined;
    const stored = row ? decodeHash(row.secret_hash) : undefined;
    if (!row || !stored) {
      await scryptHash(clientSecret, this.dummy.salt);
      return undefined;
    }
    const key = await scryptHash(
      clientSecret,
      Buffer.from(row.secret_salt, 'base64'),
      stored.params,
    );
    return key.length === stored.key.length && timingSafeEqual(key, stored.key)
      ? toPrincipal(row)
      : undefined;
  }

  async issueToken(
    principal: Principal,
    ttlSeconds: number,
  ): Promise<{ accessToken: string; expiresIn: number }> {
    if (
      typeof ttlSeconds !== 'number' ||
      !Number.isInteger(ttlSeconds) ||
      ttlSeconds < 1 ||
      ttlSeconds > MAX_TOKEN_TTL_SECONDS
    ) {
      throw new RegistryErrors.TokenTtlInvalid({ ttlSeconds, max: MAX_TOKEN_TTL_SECONDS });
    }
    const id = typeof principal === 'object' && principal !== null ? principal.id : undefined;
    const accessToken = randomBytes(32).toString('base64url');
    const now = this.ctx.nowMs();
    await this.ctx.transaction(async (trx) => {
      const known =
        typeof id === 'string' && isStorableText(id)
          ? await trx.selectFrom('principals').select('id').where('id', '=', id).executeTakeFirst()
          : undefined;
      if (!known) {
        throw new RegistryErrors.TokenPrincipalGone({ id: String(id).slice(0, 64) });
      }
      // Expired tokens are useless; drop them while we are writing anyway.
      await trx.deleteFrom('tokens').where('expires_at', '<=', now).execute();
      await trx
        .insertInto('tokens')
        .values({
          token_hash: tokenHash(accessToken),
          principal_id: known.id,
          expires_at: now + ttlSeconds * 1000,
          created_at: now,
        })
        .execute();
    });
    return { accessToken, expiresIn: ttlSeconds };
  }

  async verifyToken(accessToken: string): Promise<Principal | undefined> {
    if (typeof accessToken !== 'string' || accessToken.length === 0 || accessToken.length > 256)
      return undefined;
    // The lookup is by hash (an index probe); equality of 256-bit random values leaks nothing useful.
    const row = await this.ctx.db
      .selectFrom('tokens')
      .innerJoin('principals', 'principals.id', 'tokens.principal_id')
      .select([
        'principals.id',
        'principals.name',
        'principals.role',
        'principals.created_at',
        'tokens.expires_at',
      ])
      .where('tokens.token_hash', '=', tokenHash(accessToken))
      .executeTakeFirst();
    if (!row || Number(row.expires_at) <= this.ctx.nowMs()) return undefined;
    return toPrincipal(row);
  }
}
