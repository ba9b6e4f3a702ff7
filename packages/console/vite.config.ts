import { defineConfig } from 'vite';

/**
 * Builds the console into `dist/`: `index.html` plus hashed files under
 * `assets/`, which the registry serves at `/` and `/assets/*`. No inline
 * scripts or styles, so the page runs under `default-src 'self'`.
 */
export default defineConfig({
  base: '/',
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
