import { rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseConfig } from '@imprint/sdk';
import type { CloudConnector } from '@imprint/example-aws-like';
import {
  AwsLikeBuilder,
  AwsLikeConfig,
  CLOUD_DIR_ENV,
  LocalCloud,
  defaultCloudDir,
} from '@imprint/example-aws-like';
import { LOCATION, prepareBuilder, rejectionOf } from './helpers';

// Nothing is written by prepare(); the directory only has to be a path.
const cloud = new LocalCloud({
  dir: join(__dirname, 'never-written'),
  regions: ['us-east-1', 'us-west-2', 'eu-west-1'],
});

const minimal = { region: 'us-east-1', source_ami: 'ami-0123456789abcdef0', ami_name: 'web' };

async function problemsOf(raw: Record<string, unknown>): Promise<string> {
  const error = await rejectionOf(prepareBuilder(cloud, raw));
  expect(error).toBeInstanceOf(ConfigError);
  return error.message;
}

describe('aws-like configuration', () => {
  it('fills in the defaults', async () => {
    const config = parseConfig(AwsLikeConfig, minimal, LOCATION);
    expect(config).toEqual(
      Object.assign(new AwsLikeConfig(), {
        region: 'us-east-1',
        sourceAmi: 'ami-0123456789abcdef0',
        amiName: 'web',
        instanceType: 't3.micro',
        amiDescription: '',
        amiRegions: [],
        tags: {},
        provision: [],
        forceDeregister: false,
      }),
    );
    expect((await prepareBuilder(cloud, minimal)).warnings).toEqual([]);
  });

  it('accepts a full configuration', async () => {
    const { warnings } = await prepareBuilder(cloud, {
      region: 'us-east-1',
      source_ami_filter: { name: 'ubuntu/*', owners: ['099720109477'], most_recent: true },
      instance_type: 'm5.large',
      ami_name: 'web (v1) [2024]',
      ami_description: 'the web tier',
      ami_regions: ['us-west-2', 'eu-west-1'],
      tags: { team: 'web' },
      provision: [
        { type: 'shell', inline: ['echo hi'] },
        { type: 'file', destination: '/etc/motd', content: 'hello\n' },
      ],
      force_deregister: true,
      cloud_dir: '/var/lib/cloud',
    });
    expect(warnings).toEqual([]);
  });

  it('needs source_ami or source_ami_filter', async () => {
    expect(await problemsOf({ region: 'us-east-1', ami_name: 'web' })).toBe(
      "missing required field 'source_ami' in aws-like source 'base' (set source_ami (an image id) or source_ami_filter (a name pattern))",
    );
  });

  it('refuses source_ami together with source_ami_filter', async () => {
    expect(await problemsOf({ ...minimal, source_ami_filter: { name: 'ubuntu-*' } })).toBe(
      "invalid field 'source_ami_filter' in aws-like source 'base': cannot be set together with source_ami; keep one of the two",
    );
  });

  it('names an unknown region and suggests the closest one', async () => {
    expect(await problemsOf({ ...minimal, region: 'us-esat-1' })).toBe(
      `invalid field 'region' in aws-like source 'base': unknown region "us-esat-1"; did you mean "us-east-1"? This cloud has: us-east-1, us-west-2, eu-west-1`,
    );
  });

  it('lists every unknown region of ami_regions by index', async () => {
    expect(
      await problemsOf({ ...minimal, ami_regions: ['us-west-2', 'mars-north-1', 'eu-wset-1'] }),
    ).toBe(
      [
        "aws-like source 'base' has 2 configuration problems:",
        `  - invalid field 'ami_regions[1]' in aws-like source 'base': unknown region "mars-north-1". This cloud has: us-east-1, us-west-2, eu-west-1`,
        `  - invalid field 'ami_regions[2]' in aws-like source 'base': unknown region "eu-wset-1"; did you mean "eu-west-1"? This cloud has: us-east-1, us-west-2, eu-west-1`,
      ].join('\n'),
    );
  });

  it('warns about ami_regions entries that are repeated or the build region', async () => {
    const { warnings } = await prepareBuilder(cloud, {
      ...minimal,
      ami_regions: ['us-west-2', 'us-east-1', 'us-west-2'],
    });
    expect(warnings).toEqual([
      'ami_regions[1] is the build region us-east-1; the image is created there anyway, so it is not copied',
      'ami_regions[2] repeats us-west-2; the image is copied there once',
    ]);
  });

  it('wants ami_regions as a list, not a string', async () => {
    expect(await problemsOf({ ...minimal, ami_regions: 'us-west-2' })).toBe(
      `invalid field 'ami_regions' in aws-like source 'base': must be an array (got "us-west-2")`,
    );
  });

  it('checks the format of source_ami, ami_name and instance_type', async () => {
    expect(
      await problemsOf({
        ...minimal,
        source_ami: 'ami-xyz',
        ami_name: 'web-{{timestamp}}',
        instance_type: 'large',
      }),
    ).toBe(
      [
        "aws-like source 'base' has 3 configuration problems:",
        `  - invalid field 'source_ami' in aws-like source 'base': must be an image id such as ami-0123456789abcdef0 (got "ami-xyz")`,
        `  - invalid field 'instance_type' in aws-like source 'base': must be an instance type such as t3.micro (got "large")`,
        `  - invalid field 'ami_name' in aws-like source 'base': may contain only letters, digits, spaces and ( ) [ ] . / - ' @ _ (got "web-{{timestamp}}")`,
      ].join('\n'),
    );
  });

  it('wants tags as a map of strings', async () => {
    expect(await problemsOf({ ...minimal, tags: { team: 5 } })).toBe(
      `invalid field 'tags' in aws-like source 'base': must be a map of non-empty keys to string values (got {"team":5})`,
    );
  });

  it('checks the source_ami_filter block', async () => {
    expect(
      await problemsOf({
        region: 'us-east-1',
        ami_name: 'web',
        source_ami_filter: { ownrs: ['self'] },
      }),
    ).toBe(
      [
        "aws-like source 'base' has 2 configuration problems:",
        "  - unknown field 'source_ami_filter.ownrs' in aws-like source 'base': did you mean 'owners'?",
        "  - missing required field 'source_ami_filter.name' in aws-like source 'base' (Image name pattern: `*` matches any characters (including `/`), `?` one character.)",
      ].join('\n'),
    );
  });

  it('knows the kinds of provisioning step', async () => {
    expect(await problemsOf({ ...minimal, provision: [{ type: 'ansible' }] })).toBe(
      `invalid field 'provision[0].type' in aws-like source 'base': must be one of the following values: shell, file (got "ansible")`,
    );
  });

  it('checks what each provisioning step needs', async () => {
    expect(
      await problemsOf({
        ...minimal,
        provision: [
          { type: 'shell' },
          { type: 'shell', inline: ['true'], destination: '/x', content: 'x' },
          { type: 'file', content: 'x' },
          { type: 'file', destination: 'etc/motd', inline: ['true'] },
        ],
      }),
    ).toBe(
      [
        "aws-like source 'base' has 7 configuration problems:",
        "  - missing required field 'provision[0].inline' in aws-like source 'base' (a shell step runs these commands; give at least one)",
        "  - invalid field 'provision[1].destination' in aws-like source 'base': a shell step does not take destination; use a file step to write files",
        "  - invalid field 'provision[1].content' in aws-like source 'base': a shell step does not take content; use a file step to write files",
        "  - missing required field 'provision[2].destination' in aws-like source 'base' (where to write the file)",
        `  - invalid field 'provision[3].destination' in aws-like source 'base': must be the absolute path of a file inside the instance, such as /etc/motd (got "etc/motd")`,
        "  - missing required field 'provision[3].content' in aws-like source 'base' (what to write)",
        "  - invalid field 'provision[3].inline' in aws-like source 'base': a file step does not take inline; use a shell step to run commands",
      ].join('\n'),
    );
  });
});

describe('cloud_dir', () => {
  const saved = process.env[CLOUD_DIR_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[CLOUD_DIR_ENV];
    else process.env[CLOUD_DIR_ENV] = saved;
  });

  it('defaults to $IMPRINT_AWS_LIKE_CLOUD_DIR, else ~/.imprint/aws-like-cloud', () => {
    expect(defaultCloudDir({ [CLOUD_DIR_ENV]: '/srv/cloud' })).toBe('/srv/cloud');
    expect(defaultCloudDir({ [CLOUD_DIR_ENV]: '' })).toBe(
      join(homedir(), '.imprint', 'aws-like-cloud'),
    );
    expect(defaultCloudDir({})).toBe(join(homedir(), '.imprint', 'aws-like-cloud'));
  });

  it('is where the builder opens the cloud, never the build work directory', async () => {
    const seen: string[] = [];
    const connect: CloudConnector = ({ cloudDir }) => {
      seen.push(cloudDir);
      return cloud;
    };
    process.env[CLOUD_DIR_ENV] = '/from/env';
    await new AwsLikeBuilder(connect).prepare(
      parseConfig(AwsLikeConfig, minimal, LOCATION),
      LOCATION,
    );
    await new AwsLikeBuilder(connect).prepare(
      parseConfig(AwsLikeConfig, { ...minimal, cloud_dir: '/from/template' }, LOCATION),
      LOCATION,
    );
    expect(seen).toEqual(['/from/env', '/from/template']);
  });

  afterAll(() => rm(join(__dirname, 'never-written'), { recursive: true, force: true }));
});
