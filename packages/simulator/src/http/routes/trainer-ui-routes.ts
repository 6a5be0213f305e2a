/**
 * The trainer UI: the built React app at `/` (open: it holds no drill, and the token arrives in
 * the address's fragment, which the browser never sends), and the trainee's view of the drill
 * at `/trainer/state` (a token of this drill). The trainee's view never names the scenario:
 * working out which incident this is belongs to the drill.
 *
 * The built app is a handful of files, read into memory once at start-up and served from
 * there (hashed assets cached for a year, index.html never). @fastify/static cost ~40 ms of
 * start-up to import for what this does. The build writes each text file precompressed too
 * (`.br`, `.gz`); a browser that accepts one gets it, so nothing is compressed per request.
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
  /** The same bytes compressed at build time, when the build wrote them. */
  encoded: { br?: Buffer; gzip?: Buffer };
}

/** The precompressed copies the build writes beside a file, by the encoding they hold. */
const encodings = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

/**
 * The encoding to answer with: brotli, else gzip, when the request accepts it (an explicit
 * `;q=0` refuses one) and the build wrote it; else none.
 */
export function chooseEncoding(acceptEncoding: string | undefined, file: StaticFile): 'br' | 'gzip' | undefined {
  if (!acceptEncoding) return undefined;
  const accepted = new Set<string>();
  for (const part of acceptEncoding.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    const refused = params.some((param) => /^\s*q\s*=\s*0(?:\.0*)?\s*$/.test(param));
    if (name && !refused) accepted.add(name.trim());
  }
  for (const { name } of encodings) if (file.encoded[name] && (accepted.has(name) || accepted.has('*'))) return name;
  return undefined;
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
    const names = readdirSync(folder);
    for (const name of names) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (!encodings.some(({ suffix }) => name.endsWith(suffix) && names.includes(name.slice(0, -suffix.length)))) {
        const urlPath = `/${relative(dir, path).split('\\').join('/')}`;
        const encoded: StaticFile['encoded'] = {};
        for (const { name: encoding, suffix } of encodings) if (names.includes(name + suffix)) encoded[encoding] = readFileSync(path + suffix);
        files.set(urlPath, { body: readFileSync(path), type: contentTypes[extname(name)] ?? 'application/octet-stream', immutable: urlPath.startsWith('/assets/'), encoded });
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
      fastify.get(url, { schema: { hide: true } }, async (request, reply) => {
        const encoding = chooseEncoding(request.headers['accept-encoding'], file);
        reply.type(file.type).header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
        if (Object.keys(file.encoded).length > 0) reply.header('vary', 'accept-encoding');
        if (encoding === undefined) return reply.send(file.body);
        return reply.header('content-encoding', encoding).send(file.encoded[encoding]);
      });
    }
  }
};

export default trainerUiRoutes;
