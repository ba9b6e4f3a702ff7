/** The plugin's package name; rename it with the package. */
export const PLUGIN_NAME = '@imprint/example-aws-like';

/** The plugin's version (kept equal to package.json by a test). */
export const PLUGIN_VERSION = '0.1.0';
