// Bundles the CLIs, and the simulator's front door, into dist/.
// The CLIs are bundled whole, npm packages included (except the native better-sqlite3, Ajv,
// which the server loads on first use, and ws's optional native add-ons): Node then reads a
// few files instead of resolving and loading ~400 modules, which was half of the server's
// start-up. The front door (dist/index.js, for the bench) keeps npm packages external.
// Both builds write hashed chunks into dist/chunks, so they sit side by side. agenc is bundled
// alone, as one file with no chunks: the terminal's sandbox shows it exactly that file.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const dependencies = Object.keys(pkg.dependencies).filter((name) => !name.startsWith('@gameday/'));
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  conditions: ['gameday-source'],
  logLevel: 'warning',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  outdir: 'dist',
};
rmSync(new URL('./dist', import.meta.url), { recursive: true, force: true });
const keepExternal = ['better-sqlite3', 'ajv', 'bufferutil', 'utf-8-validate'];
// Bundled CommonJS packages call require(); an ES module has none of its own.
const banner = { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" };
await build({
  ...common,
  entryPoints: { gameday: 'src/cli/gameday-cli.ts' },
  external: [...keepExternal, ...keepExternal.map((name) => `${name}/*`)],
  banner,
});
await build({ ...common, splitting: false, entryPoints: { agenc: 'src/cli/agenc-cli.ts' }, banner });
await build({
  ...common,
  entryPoints: { index: 'src/index.ts' },
  external: [...dependencies, ...dependencies.map((name) => `${name}/*`)],
});
