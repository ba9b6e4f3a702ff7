import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * Builds the console into `dist/`: `index.html` plus hashed files under
 * `assets/`, which the registry serves at `/` and `/assets/*`. No inline
 * scripts or styles, so the page runs under `default-src 'self'`.
 * `@imprint/client` is bundled from its TypeScript sources (ES modules, no
 * Node built-ins), so the console needs no build of it first.
 */
export default defineConfig({
  base: '/',
  resolve: {
    alias: {
      '@imprint/client': fileURLToPath(new URL('../client/src/index.ts', import.meta.url)),
    },
  },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    // elkjs (the graph layout, loaded on demand) is one large module.
    chunkSizeWarningLimit: 2000,
  },
});
