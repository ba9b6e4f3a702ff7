/**
 * Reads one file of a root filesystem (an image's merged layers, a machine's
 * root directory) for the SBOM readers. `path` is relative to `/`
 * (`var/lib/dpkg/status`); resolves with the file's text (UTF-8), or
 * `undefined` when the filesystem has no such regular file.
 *
 * @example
 * ```ts
 * const read: RootFileReader = async (path) => files.get(path)?.toString('utf8');
 * ```
 */
export type RootFileReader = (path: string) => Promise<string | undefined>;
