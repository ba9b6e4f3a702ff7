/** The version of this copy of `@imprint/sdk` (kept equal to package.json by a test). */
export const SDK_VERSION = '0.1.0';

/**
 * The plugin API version. A plugin built against a different API version is
 * refused by the loader; it changes only when the plugin contract breaks.
 */
export const PLUGIN_API_VERSION = 1;
