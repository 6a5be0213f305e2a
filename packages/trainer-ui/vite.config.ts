import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/** Files a browser fetches as text, worth sending compressed. */
const compressible = /\.(?:js|css|html|svg|json|map)$/;

/**
 * Writes `name.gz` and `name.br` beside every built text file, at their best levels: the server
 * sends one of them by the request's Accept-Encoding, so it compresses nothing per request and
 * pays nothing at start-up (brotli at quality 11 costs about a second for the main bundle).
 */
function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'gameday-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      const walk = (folder: string) => {
        for (const entry of readdirSync(folder, { withFileTypes: true })) {
          const path = join(folder, entry.name);
          if (entry.isDirectory()) walk(path);
          else if (compressible.test(entry.name)) {
            const body = readFileSync(path);
            writeFileSync(`${path}.gz`, gzipSync(body, { level: 9 }));
            writeFileSync(`${path}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }));
          }
        }
      };
      walk(outDir);
    },
  };
}

export default defineConfig({
  plugins: [react(), precompress()],
  resolve: { conditions: ['gameday-source'] },
  server: { proxy: { '/trainer': 'http://127.0.0.1:9090', '/metrics': 'http://127.0.0.1:9090' } },
});
