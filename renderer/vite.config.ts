// Builds the renderer into renderer/dist for both hosts. `base: './'` keeps asset URLs
// relative, so the same build loads from the web host and from a file in Electron.
// Paths are relative to the repository root, where `npm run build:renderer` runs.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline scripts or data: modules: the pages run under a strict CSP.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
  },
});
