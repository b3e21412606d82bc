import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The backend serves the built portal at `/` in the embedded mode; in `vite dev` the API is proxied.
export default defineConfig({
  plugins: [react()],
  base: '/',
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/ws': { target: 'ws://127.0.0.1:3000', ws: true } } },
});
