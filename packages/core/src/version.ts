/** Version of the Imprint runner, reported in every build's `metadata.packer.version`. */
export const RUNNER_VERSION = '0.1.0';
