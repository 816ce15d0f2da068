import { defineConfig } from 'vite';

// The live explorer: static files in web/dist that work from any static host (relative base).
export default defineConfig({
  root: 'web',
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  server: { port: 5173 },
});
