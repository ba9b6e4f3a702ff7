import { RegistryErrorReason } from '@imprint/registry';
import { expectStatus } from '../helpers/http';
import { describeTextRefusal, expectPathsRefused } from './support/text-refusal-suite';

const NUL = 'a\u0000b';

/**
 * Regression: PostgreSQL text cannot hold NUL (U+0000). Where a NUL got past
 * the checks (inside page tokens, and wherever a check forgot it) SQLite
 * answered 4xx and PostgreSQL failed the statement: a 500 with a stack trace.
 * Every entry point must answer 400 / code 3 naming the field, the same on
 * both engines, over HTTP and through the service (a public API of its own).
 */
describeTextRefusal({
  title: 'NUL characters',
  samples: [NUL],
  problem: /NUL character \(U\+0000\)/,
  more: ({ registry, fixture }) => {
    it('in a page token: 400 / code 3 naming pagination.next_page_token', async () => {
      const forged = Buffer.from(JSON.stringify({ s: 'name:asc,id:asc', v: [NUL, '0'] })).toString(
        'base64url',
      );
      for (const token of [forged, encodeURIComponent(`${forged}\u0000`), '%00']) {
        const res = await registry.request(
          'GET',
          `${registry.base}/buckets?pagination.next_page_token=${token}`,
        );
        const body = expectStatus(res, 400, 3);
        expect(body.details[0]).toMatchObject({
          reason: RegistryErrorReason.PAGINATION_INVALID,
          field: 'pagination.next_page_token',
        });
      }
    });

    it('in query parameters and path parameters: 400 / code 3 naming the parameter', async () => {
      const bucket = `${registry.base}/buckets/texty`;
      const cases: [string, string][] = [
        [`${registry.base}/buckets?sorting.order_by=name%00`, 'query.sorting.order_by'],
        [`${bucket}/ancestry?channel_name=prod%00`, 'query.channel_name'],
        [
          `${bucket}/ancestry?version_fingerprint=${fixture().done}%00`,
          'query.version_fingerprint',
        ],
        [`${bucket}/ancestry?depth=1%00`, 'query.depth'],
        [`${registry.base}/buckets/texty%00`, 'params.bucket_name'],
        [`${bucket}/versions/${fixture().done}%00`, 'params.fingerprint'],
        [`${bucket}/versions/${fixture().draft}/builds/${fixture().buildId}%00`, 'params.build_id'],
        [`${bucket}/channels/prod%00`, 'params.channel_name'],
        [`${bucket}/channels/prod%00/history`, 'params.channel_name'],
        [
          '/resource-manager/2019-12-10/projects?scope.type=ORGANIZATION&scope.id=x%00',
          'query.scope.id',
        ],
      ];
      await expectPathsRefused(registry, cases);
    });
  },
});
