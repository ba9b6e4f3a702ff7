/**
 * Cost of declaring registry metadata with decorators, measured side by side:
 *   (a) state(ARTIFACT_STATE_URI) on a decorated artifact with five labels,
 *   (b) the same Image built by hand from object literals, plus validate(),
 *   (c) fromArtifact with five overrides, plus validate().
 * Prints ops/s for each and the cost ratios a/b and c/b (time per op), and
 * counts reflection reads during the measured runs to show that the class
 * metadata is compiled once, not per call.
 */
import 'reflect-metadata';
import {
  ARTIFACT_STATE_URI,
  Image,
  Label,
  fromArtifact,
  setLabels,
  withId,
  withProvider,
  withRegion,
  withSourceId,
} from '@imprint/sdk';
import { AmiArtifactBase } from '../test/fixtures/artifacts';

class AmiArtifact extends AmiArtifactBase {
  @Label('os') os = 'ubuntu';
  @Label('os_version') osVersion = '24.04';
  @Label('arch') arch = 'x86_64';
  @Label('team') team = 'platform';
  @Label('build') build = '1042';
}

const artifact = new AmiArtifact();
const labels = {
  os: 'ubuntu',
  os_version: '24.04',
  arch: 'x86_64',
  team: 'platform',
  build: '1042',
};

const decorated = () => artifact.state(ARTIFACT_STATE_URI);
const byHand = () => {
  const image = new Image({
    imageId: artifact.ami,
    providerName: 'aws',
    providerRegion: artifact.region,
    labels: {
      os: artifact.os,
      os_version: artifact.osVersion,
      arch: artifact.arch,
      team: artifact.team,
      build: artifact.build,
    },
    sourceImageId: artifact.sourceAmi,
  });
  image.validate();
  return image;
};
const overrides = () => {
  const image = fromArtifact(
    artifact,
    withId(artifact.ami),
    withRegion(artifact.region),
    withProvider('aws'),
    withSourceId(artifact.sourceAmi),
    setLabels(labels),
  );
  image.validate();
  return image;
};

function countReflection(): { reads: () => number; restore: () => void } {
  let reads = 0;
  const originals = { getOwnMetadata: Reflect.getOwnMetadata, getMetadata: Reflect.getMetadata };
  Reflect.getOwnMetadata = ((...args: Parameters<typeof Reflect.getOwnMetadata>) => {
    reads += 1;
    return originals.getOwnMetadata(...args);
  }) as typeof Reflect.getOwnMetadata;
  Reflect.getMetadata = ((...args: Parameters<typeof Reflect.getMetadata>) => {
    reads += 1;
    return originals.getMetadata(...args);
  }) as typeof Reflect.getMetadata;
  return {
    reads: () => reads,
    restore: () => Object.assign(Reflect, originals),
  };
}

async function main(): Promise<void> {
  // The three forms must agree before their speed means anything.
  const expected = JSON.stringify(byHand());
  for (const [name, run] of [
    ['decorated', decorated],
    ['overrides', overrides],
  ] as const) {
    if (JSON.stringify(run()) !== expected)
      throw new Error(`${name} built a different Image than the hand-built one`);
  }

  // tinybench is an ES module; this script runs as CommonJS.
  const { Bench } = await import('tinybench');
  const counter = countReflection();
  const bench = new Bench({ time: 1500, warmup: true, warmupTime: 300 });
  bench
    .add('(a) state(ARTIFACT_STATE_URI), decorated, 5 labels', decorated)
    .add('(b) Image by hand + validate()', byHand)
    .add('(c) fromArtifact + 5 overrides + validate()', overrides);
  await bench.run();
  const reflectionReads = counter.reads();
  counter.restore();

  const period = (i: number): number => {
    const result = bench.tasks[i].result as { period?: number; state?: string; error?: unknown };
    if (typeof result.period !== 'number')
      throw new Error(`task ${i} did not complete: ${String(result.error ?? result.state)}`);
    return result.period;
  };
  const rows = bench.tasks.map((task, i) => ({
    case: task.name,
    'ops/s': Math.round(1000 / period(i)),
    'µs/op': +(period(i) * 1000).toFixed(2),
  }));
  console.table(rows);
  const ab = period(0) / period(1);
  const cb = period(2) / period(1);
  console.log(`ratio a/b (time per op, decorated vs by hand): ${ab.toFixed(2)}  (target <= 2)`);
  console.log(`ratio c/b (time per op, overrides vs by hand): ${cb.toFixed(2)}`);
  console.log(`reflection metadata reads during all measured runs: ${reflectionReads}`);
  if (ab > 2) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
