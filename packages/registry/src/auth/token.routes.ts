import { randomBytes } from 'node:crypto';
import type { TokenResponse } from '@imprint/client';
import type { Principal } from '../domain/registry-service';
import type { RouteContext } from '../http/context';
import { HTTP_ERROR_REASONS, invalidArgument, unauthenticated } from '../http/http-errors';
import { namedPlugin } from '../http/plugin';
import { replies } from '../http/schemas/models.schemas';
import {
  formDecoded,
  parseBasicAuthorization,
  parseFormBody,
  type ClientCredentials,
} from './credentials';

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
    client_id: { type: 'string', maxLength: 256 },
    client_secret: { type: 'string', maxLength: 1024 },
    audience: { type: 'string', maxLength: 1024, description: 'accepted and ignored' },
    scope: { type: 'string', maxLength: 1024, description: 'accepted and ignored' },
  },
  required: ['grant_type'],
  additionalProperties: false,
};

const TOKEN_RESPONSE = {
  type: 'object',
  properties: {
    access_token: { type: 'string' },
    token_type: { type: 'string', enum: ['Bearer'] },
    expires_in: { type: 'integer', description: 'seconds' },
  },
};

const INVALID_CLIENT_MESSAGE =
  'invalid client credentials: check HCP_CLIENT_ID / HCP_CLIENT_SECRET ' +
  '(imprint-registry principals create makes a pair)';

/**
 * `POST /oauth2/token`: the OAuth 2 client-credentials grant HCP clients use
 * (`HCP_AUTH_URL`). Credentials come in the Basic header (Go's oauth2) or as
 * `client_id` / `client_secret` form fields; `audience` is ignored. In
 * embedded mode any credentials get a token, so stock clients, which always
 * fetch one, work without configuration.
 */
export const tokenRoutes = namedPlugin<RouteContext>(
  'imprint-oauth-token',
  async (app, { storage, embedded, tokenTtlSeconds }) => {
    const { principals } = storage;
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
      return decoded
        ? principals.verifyClientCredentials(decoded.clientId, decoded.clientSecret)
        : undefined;
    }

    app.post<{ Body: TokenRequestBody }>(
      '/oauth2/token',
      {
        config: { access: 'public' },
        schema: {
          operationId: 'Token',
          tags: ['auth'],
          summary: 'Exchange client credentials for a bearer token',
          description:
            'OAuth 2 client-credentials grant. Credentials in `Authorization: Basic` or as form fields. Role: public.',
          security: [],
          consumes: ['application/x-www-form-urlencoded', 'application/json'],
          body: TOKEN_BODY,
          response: replies(TOKEN_RESPONSE),
        },
      },
      async (request, reply): Promise<TokenResponse> => {
        const body = request.body;
        if (body.grant_type !== 'client_credentials') {
          throw invalidArgument(
            `unsupported grant_type ${JSON.stringify(body.grant_type.slice(0, 100))}: only client_credentials is supported`,
            { field: 'body.grant_type' },
            HTTP_ERROR_REASONS.UNSUPPORTED_GRANT_TYPE,
          );
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
          throw unauthenticated(
            'the Authorization header must be "Basic base64(client_id:client_secret)"',
            HTTP_ERROR_REASONS.INVALID_CLIENT,
          );
        }
        const credentials =
          basic ??
          (body.client_id && body.client_secret
            ? { clientId: body.client_id, clientSecret: body.client_secret }
            : undefined);
        if (!credentials) {
          throw unauthenticated(
            'missing client credentials: send them in an "Authorization: Basic" header or as client_id and client_secret form fields',
            HTTP_ERROR_REASONS.INVALID_CLIENT,
          );
        }
        const principal = await verify(credentials);
        if (!principal)
          throw unauthenticated(INVALID_CLIENT_MESSAGE, HTTP_ERROR_REASONS.INVALID_CLIENT);
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
