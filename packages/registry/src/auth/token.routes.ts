import { randomBytes } from 'node:crypto';
import { StorableTextSchema, type TokenResponse } from '@imprint/client';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../domain/registry-contract';
import type { RouteContext } from '../http/context';
import { RegistryErrors } from '../errors/registry-errors';
import { namedPlugin } from '../http/plugin';
import { ref, replies } from '../http/schemas/models.schemas';
import { registryErrorHandler } from '../http/error-handler';
import { isStorableText } from '../domain/validation';
import {
  formDecoded,
  parseBasicAuthorization,
  parseFormBody,
  type ClientCredentials,
} from './credentials';
import { OAUTH_ERROR_SCHEMA, sendOAuthError } from './oauth-error';
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
    audience: {
      type: 'string',
      maxLength: 1024,
      description:
        'accepted whatever it is and logged (HCP clients send https://api.hashicorp.cloud)',
    },
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
 * `client_id` / `client_secret` form fields. In embedded mode any credentials
 * get a token, so stock clients, which always fetch one, work without
 * configuration. Bodies are capped at {@link TOKEN_BODY_LIMIT}; failed
 * requests are rate-limited per client address and in total
 * ({@link TokenFailureLimiter}). Errors take RFC 6749 §5.2's shape
 * ({@link sendOAuthError}), which is what golang.org/x/oauth2 parses.
 *
 * `audience` is logged with the request and otherwise not checked: hcp-sdk-go
 * always sends HCP's (`https://api.hashicorp.cloud`), other clients send
 * their own or none, and a token from here is an opaque value only this
 * registry's database knows, so it cannot be replayed at another audience;
 * refusing unknown values would only break clients.
 */
export const tokenRoutes = namedPlugin<TokenRoutesOptions>(
  'imprint-oauth-token',
  async (app, { storage, embedded, tokenTtlSeconds, tokenRateLimit }) => {
    const { principals } = storage;
    const limiter = new TokenFailureLimiter(tokenRateLimit, app.log);
    const admitted = new WeakSet<FastifyRequest>();
    // This scope only: token clients parse RFC 6749 errors, not google.rpc.Status.
    app.setErrorHandler(registryErrorHandler(app.initialConfig.bodyLimit ?? 0, sendOAuthError));
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
            'Errors are RFC 6749 §5.2 JSON ({error, error_description}, plus code, message and details): ' +
            'invalid_client (401), unsupported_grant_type (400), invalid_request (400, 413, 415; 429 with ' +
            'Retry-After after too many failed requests from one address or from all), server_error (500), ' +
            `temporarily_unavailable (503). Bodies over ${TOKEN_BODY_LIMIT / 1024} KiB are 413. ` +
            'Role: public.',
          security: [],
          consumes: ['application/x-www-form-urlencoded', 'application/json'],
          body: TOKEN_BODY,
          response: {
            ...replies(ref('TokenResponse')),
            '4xx': OAUTH_ERROR_SCHEMA,
            '5xx': OAUTH_ERROR_SCHEMA,
          },
        },
      },
      async (request, reply): Promise<TokenResponse> => {
        const body = request.body;
        const audience = body.audience ?? null;
        request.log.debug({ grant_type: body.grant_type, audience }, 'token request');
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
        request.log.info({ principal: principal.name, audience }, 'issued a bearer token');
        return {
          access_token: token.accessToken,
          token_type: 'Bearer',
          expires_in: token.expiresIn,
        };
      },
    );
  },
);
