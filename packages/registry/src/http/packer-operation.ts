import type {
  TObject,
  TProperties,
  TSchema,
  TypeBoxTypeProvider,
} from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyPluginAsync,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { RouteAccess } from '../auth/roles';
import type { RegistryService } from '../domain/registry-contract';
import type { RouteContext } from './context';
import { namedPlugin } from './plugin';
import { describe } from './routes/params';
import { replies } from './schemas/models.schemas';
import { NO_QUERY, packerParams, type TenancyParams } from './schemas/requests.schemas';

/** What a packer route declares: its OpenAPI text, who may call it, and its schemas. */
export interface PackerOperation<
  Params extends TProperties,
  Querystring extends TSchema,
  Body extends TSchema | undefined,
> {
  readonly operationId: string;
  readonly summary: string;
  /** The OpenAPI description; " Role: <role>." is appended. */
  readonly description: string;
  readonly access: RouteAccess;
  /** The role named in the description, when it is not just `access` (e.g. `contributor / admin`). */
  readonly role?: string;
  /** Path params after the organization and project ids (e.g. `BUCKET_PARAM`). */
  readonly params?: Params;
  /** Default: no query params ({@link NO_QUERY}). */
  readonly querystring?: Querystring;
  readonly body?: Body;
  /** The success body: a contract schema (e.g. `ListBucketsResponse`). */
  readonly response: TSchema;
}

/** The route options of a {@link PackerOperation}, typed so the TypeBox provider infers the request. */
export interface PackerRouteOptions<
  Params extends TProperties,
  Querystring extends TSchema,
  Body extends TSchema | undefined,
> {
  config: { access: RouteAccess };
  schema: {
    operationId: string;
    tags: string[];
    summary: string;
    description: string;
    params: TObject<TenancyParams & Params>;
    querystring: Querystring;
    body: Body;
    response: Record<string, unknown>;
  };
}

/**
 * The route options builder of one packer resource (`tag` in OpenAPI): every
 * operation gets the tenancy path params, no query params unless it names
 * some, google.rpc.Status error replies, and its role in the description.
 *
 * @example
 * ```ts
 * const operation = packerOperations('buckets');
 * app.get('/buckets/:bucket_name', operation({ operationId: 'GetBucket', ... }), handler);
 * ```
 */
export function packerOperations(tag: string) {
  return function operation<
    Params extends TProperties = Record<never, never>,
    Querystring extends TSchema = typeof NO_QUERY,
    Body extends TSchema | undefined = undefined,
  >(
    definition: PackerOperation<Params, Querystring, Body>,
  ): PackerRouteOptions<Params, Querystring, Body> {
    const { access, body } = definition;
    const schema = {
      operationId: definition.operationId,
      tags: [tag],
      summary: definition.summary,
      description: describe(definition.description, definition.role ?? access),
      params: packerParams(definition.params ?? ({} as Params)),
      querystring: definition.querystring ?? (NO_QUERY as TSchema as Querystring),
      ...(body ? { body } : {}),
      response: replies(definition.response),
    };
    return {
      config: { access },
      schema: schema as PackerRouteOptions<Params, Querystring, Body>['schema'],
    };
  };
}

/** The fastify instance of a packer resource: request types come from the route schemas. */
export type PackerApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/**
 * The route plugin of one packer resource, `imprint-<tag>` in logs: `routes`
 * registers on an app typed by the TypeBox provider, with the
 * {@link packerOperations} builder of `tag` and the registry service.
 */
export function packerResource(
  tag: string,
  routes: (
    app: PackerApp,
    operation: ReturnType<typeof packerOperations>,
    service: RegistryService,
  ) => void,
): FastifyPluginAsync<RouteContext> {
  const operation = packerOperations(tag);
  return namedPlugin<RouteContext>(`imprint-${tag}`, async (app, { storage }) => {
    routes(app.withTypeProvider<TypeBoxTypeProvider>(), operation, storage.service);
  });
}
