import { defineConfig } from 'vite';

// The dashboard is served by `orgmap serve` under /dashboard/ from the
// committed dist/ (embedded in the binary), so `cargo build` never needs Node.
// `npm run dev` proxies the API to a running server (ORGMAP_API, default
// http://127.0.0.1:8000).
export default defineConfig({
  base: '/dashboard/',
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    // ECharts is loaded only by the matrix view, in a chunk of its own.
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: {
      '/graphql': process.env.ORGMAP_API ?? 'http://127.0.0.1:8000',
    },
  },
});
