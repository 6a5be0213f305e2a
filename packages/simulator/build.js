// Bundles the two CLIs (and the workspace code they use) into dist/; npm dependencies stay
// external so node_modules is the single copy. agenc is bundled on its own to start fast.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const external = Object.keys(pkg.dependencies).filter((name) => !name.startsWith('@gameday/'));
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  conditions: ['gameday-source'],
  external: [...external, ...external.map((name) => `${name}/*`)],
  logLevel: 'warning',
};
await build({ ...common, splitting: true, chunkNames: 'chunks/[name]-[hash]', entryPoints: { gameday: 'src/cli/gameday-cli.ts', agenc: 'src/cli/agenc-cli.ts', index: 'src/index.ts' }, outdir: 'dist' });
