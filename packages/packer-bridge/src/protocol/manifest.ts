/*
 * The manifest of PROTOCOL.md §1: what `imprint plugins package` links into
 * the bridge binary, and all `describe` answers from.
 */

/** The version of the manifest's shape; the Go side refuses others. */
export const MANIFEST_VERSION = 1;

/** go-cty's JSON type form (`ctyjson.UnmarshalType`). */
export type CtyType =
  'string' | 'number' | 'bool' | 'dynamic' | readonly ['list', CtyType] | readonly ['map', CtyType];

/** One attribute, or one nested block with its own fields. */
export type ManifestField =
  | { readonly name: string; readonly cty: CtyType }
  | {
      readonly name: string;
      readonly block: 'single' | 'list';
      readonly fields: readonly ManifestField[];
    };

/** A component kind as the manifest and the host's `--kind` name it. */
export type ComponentKind = 'builder' | 'post-processor' | 'data-source';

export const COMPONENT_KINDS: readonly ComponentKind[] = [
  'builder',
  'post-processor',
  'data-source',
];

/**
 * Name under which a component equal to the plugin's name is registered
 * (packer-plugin-sdk's `plugin.DEFAULT_NAME`).
 */
export const PACKER_DEFAULT_NAME = '-packer-default-plugin-name-';

export interface ManifestComponent {
  readonly kind: ComponentKind;
  /** Name registered in the PluginSet. */
  readonly imprintName: string;
  /** Name registered in the Go plugin set: {@link PACKER_DEFAULT_NAME}, `x` for `<packerName>-x`, else the name. */
  readonly packerName: string;
  readonly fields: readonly ManifestField[];
  /** Data sources only: what `execute` returns. */
  readonly outputs?: readonly { readonly name: string; readonly cty: CtyType }[];
}

export interface Manifest {
  readonly manifestVersion: typeof MANIFEST_VERSION;
  /** The binary is `packer-plugin-<packerName>`. */
  readonly packerName: string;
  readonly plugin: {
    /** Resolved with `loadPlugin(package, from)`. */
    readonly package: string;
    readonly from: string;
    /** Semver: the Packer plugin version. */
    readonly version: string;
    readonly sdkVersion: string;
    readonly apiVersion: number;
  };
  /** Node to start the host with; `IMPRINT_BRIDGE_NODE` overrides it at run time. */
  readonly node: string;
  /** The host script (`dist/host/main.js` of this package). */
  readonly host: string;
  readonly components: readonly ManifestComponent[];
}
