/**
 * The trainer UI: the built React app at `/` (open: it holds no drill, and the token arrives in
 * the address's fragment, which the browser never sends), and the trainee's view of the drill
 * at `/trainer/state` and the team's runbook at `/trainer/runbook` (a token of this drill). The trainee's view never names the scenario:
 * working out which incident this is belongs to the drill.
 *
 * The built app is a handful of files, read into memory once at start-up and served from
 * there (hashed assets cached for a year, index.html never). @fastify/static cost ~40 ms of
 * start-up to import for what this does. The build writes each text file precompressed too
 * (`.br`, `.gz`); a browser that accepts one gets it, so nothing is compressed per request.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';
import { GamedayError } from '../../core/gameday-error';
import { defaultRunbookPath } from '../../drill/drill-workspace';
import { traineeView } from '../../drill/trainee-view';
import { ErrorSchema, Report, authErrors } from '../schemas/common-schemas';
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

/** A runbook is a page of Markdown; past this it is not one, and the server will not hold it for every request. */
export const runbookMaxBytes = 1024 * 1024;

/** The runbook's text, read on each request so a team's edit shows on the next load. */
async function readRunbook(path: string): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    throw new GamedayError('NOT_FOUND', `the runbook ${basename(path)} cannot be read; start gameday serve with --runbook FILE.md naming the team's runbook`, { field: 'runbook' });
  }
  try {
    const { size } = await handle.stat();
    if (size > runbookMaxBytes) throw new GamedayError('NOT_FOUND', `the runbook ${basename(path)} holds ${size} bytes; the UI shows a runbook of up to ${runbookMaxBytes} bytes`, { field: 'runbook' });
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

const trainerUiRoutes: RoutesPlugin<{ uiDir?: string | undefined; runbookPath?: string | undefined }> = async (fastify, options) => {
  const runbookPath = options.runbookPath ?? defaultRunbookPath();
  fastify.get(
    '/trainer/runbook',
    {
      onRequest: fastify.requirePermission('view'),
      schema: {
        summary: "The team's runbook, as Markdown: the UI renders it beside the terminal",
        response: { 200: Type.Object({ name: Type.String(), markdown: Type.String() }), ...authErrors, 404: ErrorSchema },
      },
    },
    async () => ({ name: basename(runbookPath), markdown: await readRunbook(runbookPath) }),
  );

  fastify.get(
    '/trainer/state',
    { onRequest: fastify.requirePermission('view'), schema: { summary: "The trainee's view of the drill", response: { 200: Report('TraineeView'), ...authErrors } } },
    async () => traineeView(fastify.drill, fastify.session, fastify.raceScores),
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
