import type { ProvisionStepConfig } from '../../config/provision-step.config';
import { ProvisionError } from '../../errors';
import type { BuildState, BuildStep } from '../build-state';

const OUTPUT_TAIL_LINES = 10;

/** One build step per `provision` entry, named `provision[i] (type)`. */
export function provisionSteps(steps: readonly ProvisionStepConfig[]): BuildStep[] {
  return steps.map((step, i) => {
    const name = `provision[${i}] (${step.type})`;
    return step.type === 'shell' ? shellStep(name, step.inline ?? []) : fileStep(name, step);
  });
}

function shellStep(name: string, inline: readonly string[]): BuildStep {
  return {
    name,
    async run({ client, context, instance }: BuildState): Promise<void> {
      const running = instance!;
      context.ui.say(`Provisioning with ${name}: ${inline.length} command(s)`);
      const tail: string[] = [];
      const onOutput = (line: string): void => {
        context.ui.message(line);
        tail.push(line);
        if (tail.length > OUTPUT_TAIL_LINES) tail.shift();
      };
      let exitCode: number;
      try {
        // One script, as Packer's shell provisioner runs `inline`: `cd` and
        // variables carry over, and `-e` stops at the first failing command.
        ({ exitCode } = await client.runCommand(running, `set -e\n${inline.join('\n')}`, {
          signal: context.signal,
          onOutput,
          env: { IMPRINT_BUILD_NAME: context.buildName },
        }));
      } catch (error) {
        if (context.signal.aborted) throw error;
        throw new ProvisionError(
          name,
          running.instanceId,
          `the commands could not run: ${(error as Error).message}`,
          tail,
          { cause: error },
        );
      }
      if (exitCode !== 0) {
        throw new ProvisionError(
          name,
          running.instanceId,
          `the commands exited with status ${exitCode}`,
          tail,
        );
      }
    },
  };
}

function fileStep(name: string, step: ProvisionStepConfig): BuildStep {
  // prepare() guarantees both for file steps.
  const destination = step.destination!;
  const content = step.content!;
  return {
    name,
    async run({ client, context, instance }: BuildState): Promise<void> {
      const running = instance!;
      context.ui.say(`Provisioning with ${name}: writing ${destination}`);
      try {
        await client.uploadFile(running, destination, content);
      } catch (error) {
        throw new ProvisionError(name, running.instanceId, (error as Error).message, [], {
          cause: error,
        });
      }
    },
  };
}
