import { randomBytes } from 'node:crypto';
import { StorableTextSchema, type TokenResponse } from '@imprint/client';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../domain/registry-contract';
import type { RouteContext } from '../http/context';
import { RegistryErrors } from '../errors/registry-errors';
import { namedPlugin } from '../http/plugin';
import { ref, replies } from '../http/schemas/models.schemas';
import { isStorableText } from '../domain/validation';
import {
  formDecoded,
  parseBasicAuthorization,
  parseFormBody,
  type ClientCredentials,
} from './credentials';
import { TokenFailureLimiter, type TokenRateLimitSettings } from './token-rate-limit';

/**
 * Largest body `POST /oauth2/token` accepts: 8 KiB (or the server's body limit,
 * when that is smaller). A token request is a few hundred bytes; the endpoint
 * is public, so it must not read and parse a megabyte for anyone who asks.
 */
export const TOKEN_BODY_LIMIT = 8 * 1024;

type TokenRequestBody = {
  grant_type: string;
  client_id?: string;
  client_secret?: string;
  audience?: string;
  scope?: string;
};

const TOKEN_BODY = {
  type: 'object',
  properties: {
    grant_type: { type: 'string', maxLength: 100, description: 'must be client_credentials' },
    client_id: { ...StorableTextSchema, maxLength: 256 },
    client_secret: { ...StorableTextSchema, maxLength: 1024 },
    audience: { type: 'string', maxLength: 1024, description: 'accepted and ignored' },
    scope: { type: 'string', maxLength: 1024, description: 'accepted and ignored' },
  },
  required: ['grant_type'],
  additionalProperties: false,
};

/** Options of {@link tokenRoutes}: the route context and the rate limits of failed requests. */
export type TokenRoutesOptions = RouteContext & { readonly tokenRateLimit: TokenRateLimitSettings };

/**
 * `POST /oauth2/token`: the OAuth 2 client-credentials grant HCP clients use
 * (`HCP_AUTH_URL`). Credentials come in the Basic header (Go's oauth2) or as
 * `client_id` / `client_secret` form fields; `audience` is ignored. In
 * embedded mode any credentials get a token, so stock clients, which always
 * fetch one, work without configuration. Bodies are capped at
 * {@link TOKEN_BODY_LIMIT}; failed requests are rate-limited per client address
 * and in total ({@link TokenFailureLimiter}).
 */
export const tokenRoutes = namedPlugin<TokenRoutesOptions>(
  'imprint-oauth-token',
  async (app, { storage, embedded, tokenTtlSeconds, tokenRateLimit }) => {
    const { principals } = storage;
    const limiter = new TokenFailureLimiter(tokenRateLimit, app.log);
    const admitted = new WeakSet<FastifyRequest>();
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      parseFormBody,
    );

    async function verify(credentials: ClientCredentials): Promise<Principal | undefined> {
      const principal = await principals.verifyClientCredentials(
        credentials.clientId,
        credentials.clientSecret,
      );
      if (principal) return principal;
      const decoded = formDecoded(credentials);
      // `%00` decodes to NUL, which no stored client id contains (and PostgreSQL cannot compare).
      return decoded && isStorableText(decoded.clientId)
        ? principals.verifyClientCredentials(decoded.clientId, decoded.clientSecret)
        : undefined;
    }

    app.post<{ Body: TokenRequestBody }>(
      '/oauth2/token',
      {
        config: { access: 'public' },
        bodyLimit: Math.min(TOKEN_BODY_LIMIT, app.initialConfig.bodyLimit ?? TOKEN_BODY_LIMIT),
        // Before the body is read: a client over its budget costs no parsing and no scrypt.
        onRequest: async (request) => {
          const refusal = await limiter.admit(request.ip);
          if (refusal) throw refusal;
          admitted.add(request);
        },
        onResponse: async (request, reply) => {
          if (admitted.has(request)) await limiter.settle(request.ip, reply.statusCode < 400);
        },
        schema: {
          operationId: 'Token',
          tags: ['auth'],
          summary: 'Exchange client credentials for a bearer token',
          description:
            'OAuth 2 client-credentials grant. Credentials in `Authorization: Basic` or as form fields. ' +
            `Bodies over ${TOKEN_BODY_LIMIT / 1024} KiB are 413; too many failed requests from one address (or from all) are 429 ` +
            'with Retry-After. Role: public.',
          security: [],
          consumes: ['application/x-www-form-urlencoded', 'application/json'],
          body: TOKEN_BODY,
          response: replies(ref('TokenResponse')),
        },
      },
      async (request, reply): Promise<TokenResponse> => {
        const body = request.body;
        if (body.grant_type !== 'client_credentials') {
          throw new RegistryErrors.UnsupportedGrantType({ grantType: body.grant_type });
        }
        reply.header('cache-control', 'no-store').header('pragma', 'no-cache');

        if (await embedded.isAnonymous()) {
          return {
            access_token: `anonymous.${randomBytes(24).toString('base64url')}`,
            token_type: 'Bearer',
            expires_in: tokenTtlSeconds,
          };
        }

        const basic = parseBasicAuthorization(request.headers.authorization);
        if (basic === null) {
          throw new RegistryErrors.BasicHeaderMalformed();
        }
        if (basic && !(isStorableText(basic.clientId) && isStorableText(basic.clientSecret))) {
          throw new RegistryErrors.CredentialsNotText();
        }
        const credentials =
          basic ??
          (body.client_id && body.client_secret
            ? { clientId: body.client_id, clientSecret: body.client_secret }
            : undefined);
        if (!credentials) {
          throw new RegistryErrors.ClientCredentialsMissing();
        }
        const principal = await verify(credentials);
        if (!principal) throw new RegistryErrors.ClientCredentialsInvalid();
        const token = await principals.issueToken(principal, tokenTtlSeconds);
        request.log.info({ principal: principal.name }, 'issued a bearer token');
        return {
          access_token: token.accessToken,
          token_type: 'Bearer',
          expires_in: token.expiresIn,
        };
      },
    );
  },
);
