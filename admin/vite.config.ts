import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The backend serves the built console at `/admin` in the embedded mode. `@shared` is the API
// client core and generated API types the portal and the console share (web/src/common).
export default defineConfig({
  plugins: [react()],
  base: '/admin/',
  resolve: {
    alias: { '@shared': fileURLToPath(new URL('../web/src/common', import.meta.url)) },
    // The shared router imports React from the web side of the tree; one copy serves both.
    dedupe: ['react', 'react-dom'],
  },
  server: { port: 5174, proxy: { '/api': 'http://127.0.0.1:3000' } },
});
