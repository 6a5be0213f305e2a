// A real PostgreSQL for a test or a benchmark: Debian's server binaries, a cluster made with
// initdb in a temp folder, started on a free loopback port, stopped and removed afterwards.
// PostgreSQL will not run as root, so as root (CI) the folder is the postgres user's and the
// binaries run as it. Plain JavaScript (types in postgres-cluster.d.mts) so that the e2e tests,
// through postgres-server.ts, and `pnpm bench`'s plain-node scripts share this one copy.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The newest installed PostgreSQL's bin folder, or why there is none. */
export function postgresBinDir() {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, 'bin', 'initdb'))) : [];
  if (versions.length === 0) {
    const missing = `no PostgreSQL server binaries under ${root} (apt-get install --no-install-recommends postgresql)`;
    // .ci/run installs them: in CI a missing server is a failure, never a skip.
    if (process.env.CI === 'true') throw new Error(`CI runs the PostgreSQL tests: ${missing}`);
    return { missing };
  }
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  return { dir: join(root, newest, 'bin') };
}

async function freePort() {
  return await new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Starts a PostgreSQL cluster of its own; throws if the binaries are missing (check `postgresBinDir` first). */
export async function startPostgres({ maxConnections = 40 } = {}) {
  const bin = postgresBinDir();
  if ('missing' in bin) throw new Error(bin.missing);
  const asRoot = process.getuid?.() === 0;
  const folder = mkdtempSync(join(tmpdir(), 'gameday-pg-'));
  const dataDir = join(folder, 'data');
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(folder, uid, gid);
  }
  const run = (program, args) => {
    const [command, fullArgs] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin.dir, program), ...args]] : [join(bin.dir, program), args];
    const result = spawnSync(command, fullArgs, { encoding: 'utf8', timeout: 60_000 });
    if (result.status !== 0) throw new Error(`${program} ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr}${result.stdout}`);
    return result.stdout;
  };
  run('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'gameday', '--no-sync', '--locale=C.UTF-8', '-E', 'UTF8']);
  const port = await freePort();
  // fsync off: a test cluster is thrown away, and it makes each commit ~a tenth of the time.
  run('pg_ctl', ['-D', dataDir, '-w', '-t', '30', '-l', join(folder, 'postgres.log'), '-o', `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=${maxConnections}`, 'start']);
  const psql = (sql, database = 'postgres') => run('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'gameday', '-d', database, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql]);
  psql('CREATE DATABASE gameday');
  let stopped = false;
  return {
    url: `postgres://gameday@127.0.0.1:${port}/gameday`,
    port,
    createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name ${name} must be lower-case letters, digits and _`);
      psql(`CREATE DATABASE ${name}`);
      return `postgres://gameday@127.0.0.1:${port}/${name}`;
    },
    psql: (database, sql) => psql(sql, database),
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run('pg_ctl', ['-D', dataDir, '-w', '-t', '30', '-m', 'fast', 'stop']);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  };
}
