import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The web app: web/ is the root, the build goes to dist/web, which Herald serves
// (src/http/pages.ts). No plugin needed: esbuild compiles TSX with the automatic runtime.
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // Everything from files: no inline scripts or data: URLs, so the CSP stays `default-src 'self'`.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 900,
    sourcemap: false,
  },
});
