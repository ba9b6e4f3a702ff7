import type { BuildState, BuildStep } from '../build-state';

/** Launches the build instance from the source image; its cleanup terminates it. */
export const launchInstanceStep: BuildStep = {
  name: 'launch-instance',
  async run(state: BuildState): Promise<void> {
    const { config, client, context } = state;
    const source = state.sourceImage!;
    context.ui.say(`Launching a ${config.instanceType} instance from ${source.imageId}`);
    state.instance = await client.runInstance({
      region: config.region,
      imageId: source.imageId,
      instanceType: config.instanceType,
    });
    context.ui.message(`Instance ${state.instance.instanceId} is running`);
  },
  async cleanup(state: BuildState): Promise<void> {
    const instance = state.instance;
    if (instance === undefined) return;
    state.context.ui.say(`Terminating instance ${instance.instanceId}`);
    await state.client.terminateInstance(instance);
    state.instance = undefined;
  },
};
