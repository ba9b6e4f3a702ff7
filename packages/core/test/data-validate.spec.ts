import type { TemplateConfigError } from '@imprint/core';
import { loadTemplate, validateTemplate } from '@imprint/core';
import { REPO_ROOT, tempDirs, writeTemplate } from './helpers/fixtures';

/*
 * `validate` prepares components with stand-in data outputs, which cannot pass
 * a field's own rule (aws-like's source_ami must look like an AMI id): such a
 * problem waits for the real output, every other problem is still reported.
 */
const dirs = tempDirs();
afterAll(() => dirs.cleanup());

function template(source: Record<string, unknown>): Record<string, unknown> {
  return {
    required_plugins: { 'aws-like': '@imprint/example-aws-like' },
    data: {
      'imprint-artifact.base': {
        bucket_name: 'base',
        channel_name: 'production',
        platform: 'aws',
        region: 'us-east-1',
      },
    },
    sources: {
      'aws-like.web': {
        region: 'us-east-1',
        source_ami: '${data.imprint-artifact.base.external_identifier}',
        ami_name: 'web',
        ...source,
      },
    },
    build: { sources: ['aws-like.web'] },
  };
}

async function validate(source: Record<string, unknown> = {}) {
  const file = await writeTemplate(await dirs.make(), 'web.pkr.json', template(source));
  return validateTemplate(await loadTemplate(file, { env: {} }), { pluginDir: REPO_ROOT });
}

describe('validate with fields set from data blocks', () => {
  it('defers a field whose value is a data output, without contacting a registry', async () => {
    const prepared = await validate();
    expect(prepared.deferred).toEqual(['aws-like.web']);
    expect(prepared.builds).toEqual([]);
  });

  it('still reports the problems of the other fields', async () => {
    const error = (await validate({ ami_name: 42 }).catch((e) => e)) as TemplateConfigError;
    expect(error.message).toMatch(/invalid field 'ami_name' in aws-like source 'web'/);
    expect(error.message).not.toMatch(/source_ami/);
  });
});
