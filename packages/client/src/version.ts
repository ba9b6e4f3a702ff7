/** The version of this copy of `@imprint/client` (kept equal to package.json by a test). */
export const CLIENT_VERSION = '0.1.0';
