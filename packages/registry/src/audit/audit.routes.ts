import { AuditQuerystring, ListAuditEventsResponse } from '@imprint/client';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { RouteContext } from '../http/context';
import { namedPlugin } from '../http/plugin';
import { replies } from '../http/schemas/models.schemas';

/** Path of ListAuditEvents. */
export const AUDIT_PREFIX = '/imprint/v1/audit';

/** `GET /imprint/v1/audit`: the audit log, newest first, filtered and paginated. Admin only. */
export const auditRoutes = namedPlugin<RouteContext>(
  'imprint-audit-routes',
  async (app, { storage }) => {
    app.withTypeProvider<TypeBoxTypeProvider>().get(
      AUDIT_PREFIX,
      {
        config: { access: 'admin' },
        schema: {
          operationId: 'ListAuditEvents',
          tags: ['audit'],
          summary: 'List the audit log (Imprint extension)',
          description:
            'Every mutating request and every failed authentication, newest first: who (principal, ' +
            'role), what (method, route, operationId, resource), how it ended (HTTP status, outcome ' +
            'ok | denied | error | unknown, error reason), request id, client address, user agent. ' +
            'Never bodies, tokens or secrets. `unknown`: the change was in flight, or the process ' +
            'stopped before the outcome was recorded. Filters: principal (name or id), operation, ' +
            'outcome, resource (itself and everything under it), since (inclusive), until ' +
            '(exclusive). Paginated. Role: admin.',
          querystring: AuditQuerystring,
          response: replies(ListAuditEventsResponse),
        },
      },
      async (request) => storage.audit.list(request.query),
    );
  },
);
