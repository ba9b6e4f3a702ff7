/** The plugin package's name (kept equal to package.json by a test). */
export const PLUGIN_NAME = '@imprint/example-docker-like';

/** The plugin package's version (kept equal to package.json by a test). */
export const PLUGIN_VERSION = '0.1.0';
