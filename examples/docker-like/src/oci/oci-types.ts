/**
 * The OCI documents this plugin reads and writes, typed to the fields it uses.
 * Field names are the spec's (including `os.version` and `diff_ids`).
 */

/** A content descriptor: what a blob is, its digest and its size in bytes. */
export interface OciDescriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: OciPlatform;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** The platform an image runs on. */
export interface OciPlatform {
  readonly architecture: string;
  readonly os: string;
  readonly variant?: string;
  readonly 'os.version'?: string;
}

/** An image index; `index.json` of a layout is one. */
export interface OciIndex {
  readonly schemaVersion: 2;
  readonly mediaType?: string;
  readonly manifests: readonly OciDescriptor[];
  readonly annotations?: Readonly<Record<string, string>>;
}

/** An image manifest: one config and the layers in stack order. */
export interface OciManifest {
  readonly schemaVersion: 2;
  readonly mediaType?: string;
  readonly config: OciDescriptor;
  readonly layers: readonly OciDescriptor[];
  readonly annotations?: Readonly<Record<string, string>>;
}

/** The execution parameters of an image (`config` in the image configuration). */
export interface OciExecConfig {
  readonly User?: string;
  readonly ExposedPorts?: Readonly<Record<string, object>>;
  readonly Env?: readonly string[];
  readonly Entrypoint?: readonly string[] | null;
  readonly Cmd?: readonly string[] | null;
  readonly Volumes?: Readonly<Record<string, object>>;
  readonly WorkingDir?: string;
  readonly Labels?: Readonly<Record<string, string>> | null;
  readonly StopSignal?: string;
}

/** One entry of an image's history. */
export interface OciHistory {
  readonly created?: string;
  readonly author?: string;
  readonly created_by?: string;
  readonly comment?: string;
  readonly empty_layer?: boolean;
}

/** An image configuration; the sha256 of its bytes is the image ID. */
export interface OciImageConfig {
  readonly created?: string;
  readonly author?: string;
  readonly architecture: string;
  readonly os: string;
  readonly 'os.version'?: string;
  readonly 'os.features'?: readonly string[];
  readonly variant?: string;
  readonly config?: OciExecConfig | null;
  readonly rootfs: { readonly type: 'layers'; readonly diff_ids: readonly string[] };
  readonly history?: readonly OciHistory[];
}
