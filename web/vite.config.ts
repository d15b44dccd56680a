/**
 * The web app's build and dev server. In development Vite serves the app with hot reload on
 * http://localhost:5173 (FRONTEND_BASE_URL: the emails' links point here) and proxies the API's
 * paths and the WebSocket to the API, so the app always calls its own origin, as it does when the
 * API serves the built assets in production.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = process.env.TUTORFLOW_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    host: 'localhost',
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': api,
      '/health': api,
      '/openapi.json': api,
      '/docs': api,
      '/ws': { target: api.replace(/^http/, 'ws'), ws: true },
    },
  },
});
