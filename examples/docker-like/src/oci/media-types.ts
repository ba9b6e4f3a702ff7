/**
 * Media types and annotation keys of the OCI image specification (v1.1) that
 * this plugin reads and writes.
 */
export const OCI_MEDIA_TYPES = {
  /** `index.json` and nested image indexes. */
  index: 'application/vnd.oci.image.index.v1+json',
  /** An image manifest. */
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  /** An image configuration: the blob whose digest is the image ID. */
  config: 'application/vnd.oci.image.config.v1+json',
  /** An uncompressed layer. */
  layerTar: 'application/vnd.oci.image.layer.v1.tar',
  /** A gzip-compressed layer: what this plugin writes. */
  layerTarGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  /** A zstd-compressed layer (carried forward from a base, never written). */
  layerTarZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
} as const;

/** Layer media types accepted in a base image; their blobs are copied as they are. */
export const SUPPORTED_LAYER_MEDIA_TYPES: ReadonlySet<string> = new Set([
  OCI_MEDIA_TYPES.layerTar,
  OCI_MEDIA_TYPES.layerTarGzip,
  OCI_MEDIA_TYPES.layerTarZstd,
]);

/** Pre-defined OCI annotation keys. */
export const OCI_ANNOTATIONS = {
  /** The tag of a manifest descriptor in an image layout's `index.json`. */
  refName: 'org.opencontainers.image.ref.name',
  /** Digest of the manifest of the image this one is based on. */
  baseDigest: 'org.opencontainers.image.base.digest',
  /** When the image was built (RFC 3339). */
  created: 'org.opencontainers.image.created',
} as const;

/** `imageLayoutVersion` written to (and required in) `oci-layout`. */
export const OCI_LAYOUT_VERSION = '1.0.0';

/**
 * Grammar of a ref name (`org.opencontainers.image.ref.name`) from the OCI
 * annotations spec: `component ("/" component)*`, a component being alphanumerics
 * joined by `-._:@+` or `--`.
 */
export const REF_NAME_PATTERN =
  /^[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*(?:\/[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*)*$/;
