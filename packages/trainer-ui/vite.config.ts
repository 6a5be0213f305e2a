import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ['gameday-source'] },
  server: { proxy: { '/trainer': 'http://127.0.0.1:9090', '/metrics': 'http://127.0.0.1:9090' } },
});
