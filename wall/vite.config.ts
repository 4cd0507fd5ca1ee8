/**
 * Builds the wall and the duty console (one page, routed in the browser) into wall/dist.
 *
 * `base` is the absolute '/wall/' rather than './': the server serves the same index.html for `/wall` and
 * `/console`, and relative asset URLs would resolve against `/` from both (`/wall` has no trailing slash), asking
 * for `/assets/…` which is nobody's. With '/wall/' the page finds its assets from any path the server maps to it.
 */
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { precompress } from './precompress.js';

const WALL_ROOT = fileURLToPath(new URL('.', import.meta.url));
/** deck.gl + maplibre are large; the bundle is loaded once per kiosk over the centre's LAN, so size is no warning. */
const CHUNK_SIZE_WARNING_KB = 4_000;

export default defineConfig({
  root: WALL_ROOT,
  base: '/wall/',
  plugins: [react(), precompress()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: CHUNK_SIZE_WARNING_KB,
    // The kiosk is offline; keep everything in files we ship rather than inlined data URLs that a CSP may refuse.
    assetsInlineLimit: 0,
  },
});
