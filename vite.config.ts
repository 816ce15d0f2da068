import { defineConfig } from 'vite';
import { REPO_ROOT, docsPagesPlugin } from './scripts/docsPages.js';

// The live explorer: static files in web/dist that work from any static host (relative base).
export default defineConfig({
  root: 'web',
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  // README.md, docs/FRAMEWORK.md and docs/explorer.md as HTML beside the page, so that its links work anywhere.
  plugins: [docsPagesPlugin(REPO_ROOT)],
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  server: { port: 5173 },
});
