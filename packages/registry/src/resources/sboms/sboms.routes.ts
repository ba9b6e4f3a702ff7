import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  GetSbomResponse,
  LIMITS,
  ListSbomsResponse,
  LookupSbomNameSchema,
  UlidSchema,
  UploadSbomBody,
  UploadSbomResponse,
} from '@imprint/client';
import { actorOf } from '../../auth/auth.plugin';
import { RegistryErrors } from '../../errors/registry-errors';
import { packerResource } from '../../http/packer-operation';
import type { BuildRef } from '../../domain/registry-contract';
import type { RouteContext } from '../../http/context';
import { namedPlugin } from '../../http/plugin';
import { BUILD_PARAMS } from '../../http/schemas/requests.schemas';
import { SBOM_DOWNLOAD_PATH, SBOM_URL_TTL_SECONDS } from './sboms.service';

/**
 * UploadSbom's body limit: the base64 of the largest accepted SBOM (4/3 of
 * it) and room for the rest of the JSON. Larger bodies are answered as an
 * SBOM over its limit (400, code 3), not with the server-wide 413.
 */
export const UPLOAD_SBOM_BODY_LIMIT = Math.ceil(LIMITS.sbomCompressedBytes / 3) * 4 + 64 * 1024;

/** The build a route's path names. */
function buildRef(params: {
  bucket_name: string;
  fingerprint: string;
  build_id: string;
}): BuildRef {
  return { bucket: params.bucket_name, fingerprint: params.fingerprint, buildId: params.build_id };
}

/** SBOMs of a build (HCP Packer 2023-01-01: UploadSbom, ListSboms, GetSbom). */
export const sbomRoutes = packerResource('sboms', (app, operation, service) => {
  const base = '/buckets/:bucket_name/versions/:fingerprint/builds/:build_id/sboms';

  const upload = operation({
    operationId: 'UploadSbom',
    access: 'contributor',
    summary: 'Upload an SBOM of a build',
    description:
      'compressed_sbom is the zstd-compressed CycloneDX or SPDX JSON document, base64 ' +
      `(at most ${LIMITS.sbomCompressedBytes} bytes compressed, ${LIMITS.sbomDecompressedBytes} ` +
      'decompressed). Names are unique per build (6); without one, the version fingerprint. ' +
      'Only while the version is incomplete (9).',
    params: BUILD_PARAMS,
    body: UploadSbomBody,
    response: UploadSbomResponse,
  });
  app.put(
    base,
    {
      ...upload,
      config: {
        ...upload.config,
        bodyTooLarge: () =>
          new RegistryErrors.SbomTooLarge({ what: 'compressed', max: LIMITS.sbomCompressedBytes }),
      },
      bodyLimit: UPLOAD_SBOM_BODY_LIMIT,
    },
    async (request) => {
      return {
        sbom: await service.uploadSbom(actorOf(request), buildRef(request.params), request.body),
      };
    },
  );

  app.get(
    base,
    operation({
      operationId: 'ListSboms',
      access: 'viewer',
      summary: 'List the SBOMs of a build',
      description: 'Every SBOM of the build, oldest first (no pagination, as in the API).',
      params: BUILD_PARAMS,
      response: ListSbomsResponse,
    }),
    async ({ params }) => service.listSboms(buildRef(params)),
  );

  app.get(
    `${base}/:sbom_name`,
    operation({
      operationId: 'GetSbom',
      access: 'viewer',
      summary: 'Get a download URL of an SBOM',
      description:
        `download_url answers the document as uploaded (zstd) for ${SBOM_URL_TTL_SECONDS} s, ` +
        "without a bearer token (as HCP's presigned URL does).",
      params: { ...BUILD_PARAMS, sbom_name: LookupSbomNameSchema },
      response: GetSbomResponse,
    }),
    async (request) => {
      const link = await service.getSbomLink(buildRef(request.params), request.params.sbom_name);
      return { download_url: `${request.protocol}://${request.host}${link}` };
    },
  );
});

/**
 * Where GetSbom's URLs lead: the compressed document, to whoever holds an
 * unexpired URL (the signature is the credential, as with a presigned S3
 * URL). Not an HCP operation, so not in the OpenAPI document.
 */
export const sbomDownloadRoutes = namedPlugin<RouteContext>(
  'imprint-sbom-downloads',
  async (app, { storage }) => {
    app.withTypeProvider<TypeBoxTypeProvider>().get(
      `${SBOM_DOWNLOAD_PATH}/:sbom_id`,
      {
        config: { access: 'public' },
        schema: {
          hide: true,
          params: Type.Object({ sbom_id: UlidSchema }),
          querystring: Type.Object({
            expires: Type.String({ maxLength: 20 }),
            signature: Type.String({ maxLength: 128 }),
          }),
        },
      },
      async (request, reply) => {
        const { sbom_id } = request.params;
        const { expires, signature } = request.query;
        const sbom = await storage.service.readSbomLink(sbom_id, expires, signature);
        return reply
          .header('content-type', 'application/zstd')
          .header('content-disposition', `attachment; filename="${sbom.name}.json.zst"`)
          .header('cache-control', 'private, no-store')
          .send(sbom.compressed);
      },
    );
  },
);
