import type { SearchExternalArtifactBody } from '@imprint/client';
import type { RouteContext } from '../../http/context';
import { namedPlugin } from '../../http/plugin';
import { ref, replies } from '../../http/schemas/models.schemas';
import {
  NO_QUERY,
  SEARCH_EXTERNAL_ARTIFACT_BODY,
  packerParams,
} from '../../http/schemas/requests.schemas';
import { describe, type ProjectParams } from '../../http/routes/params';

/** `POST /_search/external_artifact`: which bucket, version and build made an artifact. */
export const searchRoutes = namedPlugin<RouteContext>(
  'imprint-search',
  async (app, { storage }) => {
    app.post<{ Params: ProjectParams; Body: SearchExternalArtifactBody }>(
      '/_search/external_artifact',
      {
        config: { access: 'viewer' },
        schema: {
          operationId: 'SearchExternalArtifact',
          tags: ['search'],
          summary: 'Find the builds that produced an external artifact id',
          description: describe(
            'Reverse lookup by external_identifier, optionally narrowed by platform and region.',
            'viewer',
          ),
          params: packerParams(),
          querystring: NO_QUERY,
          body: SEARCH_EXTERNAL_ARTIFACT_BODY,
          response: replies({
            type: 'object',
            properties: { artifacts: { type: 'array', items: ref('ExternalArtifactMatch') } },
          }),
        },
      },
      async (request) => storage.service.searchExternalArtifact(request.body),
    );
  },
);
