import { SearchExternalArtifactBody, SearchExternalArtifactResponse } from '@imprint/client';
import { packerResource } from '../../http/packer-operation';

/** `POST /_search/external_artifact`: which bucket, version and build made an artifact. */
export const searchRoutes = packerResource('search', (app, operation, service) => {
  app.post(
    '/_search/external_artifact',
    operation({
      operationId: 'SearchExternalArtifact',
      access: 'viewer',
      summary: 'Find the builds that produced an external artifact id',
      description:
        'Reverse lookup by external_identifier, optionally narrowed by platform and region.',
      body: SearchExternalArtifactBody,
      response: SearchExternalArtifactResponse,
    }),
    async (request) => service.searchExternalArtifact(request.body),
  );
});
