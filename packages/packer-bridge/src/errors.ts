import { ImprintError } from '@imprint/sdk';

/**
 * Every stable error code `@imprint/packer-bridge` can throw or send. Each one
 * is documented in the package README; a test keeps the two lists equal.
 */
export const BRIDGE_ERROR_CODES = {
  /** The fallback code of a protocol error reply whose error carries no `code`. */
  UNCODED: 'IMPRINT_BRIDGE_ERROR',
  BAD_REQUEST: 'IMPRINT_ERR_BRIDGE_BAD_REQUEST',
  BAD_ARGUMENTS: 'IMPRINT_ERR_BRIDGE_BAD_ARGUMENTS',
  OUTPUT_EXISTS: 'IMPRINT_ERR_BRIDGE_OUTPUT_EXISTS',
  INPUT_CALL: 'IMPRINT_ERR_BRIDGE_INPUT_CALL',
  BAD_NAME: 'IMPRINT_ERR_BRIDGE_BAD_NAME',
  BAD_VERSION: 'IMPRINT_ERR_BRIDGE_BAD_VERSION',
  UNMAPPABLE_PLUGIN: 'IMPRINT_ERR_BRIDGE_UNMAPPABLE_PLUGIN',
  HOST_NOT_BUILT: 'IMPRINT_ERR_BRIDGE_HOST_NOT_BUILT',
  GO_MISSING: 'IMPRINT_ERR_BRIDGE_GO_MISSING',
  GO_BUILD_FAILED: 'IMPRINT_ERR_BRIDGE_GO_BUILD_FAILED',
} as const;

export type BridgeErrorCode = (typeof BRIDGE_ERROR_CODES)[keyof typeof BRIDGE_ERROR_CODES];

/** Base class of the errors this package throws. */
export abstract class PackerBridgeError extends ImprintError {
  abstract override readonly code: BridgeErrorCode;
}

/** A protocol request the host cannot serve: malformed, out of order, or for another kind of component. */
export class BadRequestError extends PackerBridgeError {
  readonly code = BRIDGE_ERROR_CODES.BAD_REQUEST;
}

/** The host was started with missing or wrong command-line arguments. */
export class BadHostArgumentsError extends PackerBridgeError {
  readonly code = BRIDGE_ERROR_CODES.BAD_ARGUMENTS;

  constructor(problem: string) {
    super(
      `${problem}. The host is started by the bridge binary as: <node> <host> --kind builder|post-processor|data-source --component NAME --package PACKAGE --from DIR`,
    );
  }
}

/** A build's output directory exists and is not empty, and `packer build -force` was not given. */
export class OutputExistsError extends PackerBridgeError {
  readonly code = BRIDGE_ERROR_CODES.OUTPUT_EXISTS;

  constructor(readonly dir: string) {
    super(
      `Output directory ${dir} already exists and is not empty: remove it, or run packer build with -force to empty it`,
    );
  }
}

/** A call about a post-processor's input artifact (its `state` or `destroy`) failed on the bridge's side. */
export class InputCallError extends PackerBridgeError {
  readonly code = BRIDGE_ERROR_CODES.INPUT_CALL;
}

/** The Packer plugin name (`--name`, or the one derived) is not one Packer accepts. */
export class BadPackerNameError extends PackerBridgeError {
  readonly code = BRIDGE_ERROR_CODES.BAD_NAME;

  constructor(readonly packerName: string) {
    super(
      `'${packerName}' cannot be a Packer plugin name: use lower-case letters and digits, in words joined by single '-' (e.g. 'docker-like')`,
    );
  }
}

/** The plugin's version is not semver, which Packer needs for the binary's name. */
export class BadPluginVersionError extends PackerBridgeError {
  readonly code = BRIDGE_ERROR_CODES.BAD_VERSION;

  constructor(
    readonly pluginName: string,
    readonly version: string,
  ) {
    super(
      `${pluginName} has version '${version}', which is not semver (MAJOR.MINOR.PATCH, e.g. 1.2.0); Packer reads the plugin version from the binary's name. Give the PluginSet a semver version`,
    );
  }
}

/** Something in the plugin cannot be expressed as a Packer plugin; lists every problem. */
export class UnmappablePluginError extends PackerBridgeError {
  readonly code = BRIDGE_ERROR_CODES.UNMAPPABLE_PLUGIN;

  constructor(
    readonly pluginName: string,
    readonly problems: readonly string[],
  ) {
    super(
      `${pluginName} cannot be packaged as a Packer plugin:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

/** The host script the binary starts is missing: this package was not built. */
export class HostNotBuiltError extends PackerBridgeError {
  readonly code = BRIDGE_ERROR_CODES.HOST_NOT_BUILT;

  constructor(readonly host: string) {
    super(
      `${host} is missing: build @imprint/packer-bridge first (npm run build), the Packer plugin binary starts that file`,
    );
  }
}

/** No usable Go toolchain to build the bridge binary with. */
export class GoMissingError extends PackerBridgeError {
  readonly code = BRIDGE_ERROR_CODES.GO_MISSING;

  constructor(
    problem: string,
    /** The oldest Go that builds the bridge, e.g. `1.25.11`. */
    readonly minimum: string,
    options?: ErrorOptions,
  ) {
    super(`${problem}; install Go ${minimum} or later: https://go.dev/dl/`, options);
  }
}

/** `go build` of the bridge binary failed; carries its output. */
export class GoBuildError extends PackerBridgeError {
  readonly code = BRIDGE_ERROR_CODES.GO_BUILD_FAILED;

  constructor(
    readonly goDir: string,
    readonly output: string,
  ) {
    super(`go build of the bridge binary in ${goDir} failed:\n${output.trimEnd()}`);
  }
}
