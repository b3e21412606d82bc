import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The backend serves the built console at `/admin` in the embedded mode.
export default defineConfig({
  plugins: [react()],
  base: '/admin/',
  server: { port: 5174, proxy: { '/api': 'http://127.0.0.1:3000' } },
});
