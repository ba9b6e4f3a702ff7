import { RegistryErrorReason } from '@imprint/registry';
import { expectStatus, ok } from '../helpers/http';
import { ACTOR } from './support/text-entry-points';
import { describeTextRefusal, expectPathsRefused } from './support/text-refusal-suite';

const problem = /unpaired UTF-16 surrogate/;

/**
 * Regression: a lone UTF-16 surrogate (JSON "\ud800") is not Unicode text.
 * It was accepted and each engine mangled it its own way: SQLite stored three
 * U+FFFD, PostgreSQL one, so two component types differing only in an
 * unpaired surrogate were 200 on one engine and 409 on the other. Such text
 * must be 400 / code 3 naming the field, the same on both engines, over HTTP
 * (the JSON body parser names the JSON path) and through the service.
 */
describeTextRefusal({
  title: 'lone UTF-16 surrogates',
  samples: ['a\ud800b', 'a\udfffb', '\udc00\ud800', 'end\ud83d'],
  problem,
  more: ({ registry, fixture }) => {
    it('two component types differing only in a lone surrogate are 400 on both engines, not 200 and 409', async () => {
      const builds = `${registry.base}/buckets/texty/versions/${fixture().draft}/builds`;
      for (const componentType of ['docker.\ud800', 'docker.\udbff']) {
        const res = await registry.request('POST', builds, {
          body: { component_type: componentType },
        });
        const status = expectStatus(res, 400, 3);
        expect(status.details[0]).toMatchObject({
          reason: RegistryErrorReason.INVALID_ARGUMENT,
          field: 'body.component_type',
        });
        expect(status.message).toMatch(problem);
      }
    });

    it('in raw JSON escapes, wherever they sit in the body', async () => {
      const bucket = `${registry.base}/buckets/texty`;
      const cases: [string, string][] = [
        ['{"labels": {"os": "\\ud800"}}', 'body.labels.os'],
        ['{"labels": {"\\udfff": "x"}}', 'body.labels'],
        ['{"platforms": ["aws", "\\ud83d"]}', 'body.platforms[1]'],
        ['"\\ud800"', 'body'],
        ['{"unknown_field": "\\ud800"}', 'body.unknown_field'],
      ];
      for (const [raw, field] of cases) {
        const res = await registry.request('PATCH', bucket, { raw });
        expect({ raw, status: res.status, field: res.body?.details?.[0]?.field }).toEqual({
          raw,
          status: 400,
          field,
        });
        expect(expectStatus(res, 400, 3).message).toMatch(problem);
      }
    });

    it('cannot arrive in a URL: a percent-encoded surrogate is 400 / code 3, never stored', async () => {
      const buckets = `${registry.base}/buckets`;
      const cases: [string, string | undefined][] = [
        [`${buckets}/texty%ED%A0%80`, undefined],
        [`${buckets}?sorting.order_by=name%ED%A0%80`, 'query.sorting.order_by'],
        [`${buckets}?pagination.next_page_token=abc%ED%A0%80`, 'pagination.next_page_token'],
        [`${buckets}/texty/ancestry?channel_name=ab%ED%A0%80`, 'query.channel_name'],
      ];
      await expectPathsRefused(registry, cases);
    });

    it('two component types differing only in a lone surrogate are refused through the service, not stored as one', async () => {
      const service = registry.storage.service;
      for (const componentType of ['docker.\ud800', 'docker.\udbff']) {
        await expect(
          service.createBuild(ACTOR, 'texty', fixture().draft, { component_type: componentType }),
        ).rejects.toMatchObject({
          grpcCode: 3,
          reason: RegistryErrorReason.INVALID_ARGUMENT,
          details: { field: 'component_type' },
        });
      }
    });

    it('keeps well-formed text outside the BMP (surrogate pairs) exactly as sent', async () => {
      const service = registry.storage.service;
      const text = 'rocket \u{1F680} / \ud83d\ude00';
      const bucket = await service.createBucket(ACTOR, {
        name: 'astral',
        description: text,
        labels: { [text]: text },
      });
      expect(bucket).toMatchObject({ description: text, labels: { [text]: text } });
      const read = ok(await registry.request('GET', `${registry.base}/buckets/astral`)).bucket;
      expect(read).toMatchObject({ description: text, labels: { [text]: text } });
      await service.deleteBucket(ACTOR, 'astral');
    });
  },
});
