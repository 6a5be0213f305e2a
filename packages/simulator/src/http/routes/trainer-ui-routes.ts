/**
 * The trainer UI: the built React app at `/` (open: it holds no drill, and the token arrives in
 * the address's fragment, which the browser never sends), and the trainee's view of the drill
 * at `/trainer/state` (a token of this drill). The trainee's view never names the scenario:
 * working out which incident this is belongs to the drill.
 *
 * The built app is a handful of files, read into memory once at start-up and served from
 * there (hashed assets cached for a year, index.html never). @fastify/static cost ~40 ms of
 * start-up to import for what this does.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { traineeView } from '../../drill/trainee-view';
import { Report, authErrors } from '../schemas/common-schemas';
import { Type, type RoutesPlugin } from '../schemas/json-schema';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

interface StaticFile {
  body: Buffer;
  type: string;
  immutable: boolean;
}

/** Read once per folder and process: a game-day's session servers all serve the same build. */
const loaded = new Map<string, Map<string, StaticFile>>();

/** Every file under `dir`, by URL path. */
export function loadStaticFiles(dir: string): Map<string, StaticFile> {
  const cached = loaded.get(dir);
  if (cached) return cached;
  const files = new Map<string, StaticFile>();
  loaded.set(dir, files);
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const urlPath = `/${relative(dir, path).split('\\').join('/')}`;
        files.set(urlPath, { body: readFileSync(path), type: contentTypes[extname(name)] ?? 'application/octet-stream', immutable: urlPath.startsWith('/assets/') });
      }
    }
  };
  walk(dir);
  return files;
}

const trainerUiRoutes: RoutesPlugin<{ uiDir?: string | undefined }> = async (fastify, options) => {
  fastify.get(
    '/trainer/state',
    { onRequest: fastify.requirePermission('view'), schema: { summary: "The trainee's view of the drill", response: { 200: Report('TraineeView'), ...authErrors } } },
    async () => traineeView(fastify.drill, fastify.session),
  );

  const uiDir = options.uiDir;
  if (uiDir === undefined || !existsSync(join(uiDir, 'index.html'))) {
    fastify.get('/', { schema: { response: { 200: Type.String() } } }, async (_request, reply) =>
      reply.type('text/plain').send('The trainer UI is not built. Run `pnpm build` at the repository root, then restart `gameday serve`.\n'),
    );
    return;
  }
  const files = loadStaticFiles(uiDir);
  for (const [path, file] of files) {
    const routes = path === '/index.html' ? ['/', path] : [path];
    for (const url of routes) {
      fastify.get(url, { schema: { hide: true } }, async (_request, reply) =>
        reply
          .type(file.type)
          .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
          .send(file.body),
      );
    }
  }
};

export default trainerUiRoutes;
