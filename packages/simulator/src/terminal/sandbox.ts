/**
 * Runs one program of the in-browser terminal under bubblewrap (`bwrap`): namespaces of its own
 * but the host's network (the tools reach the drill on loopback), no capabilities, only the
 * environment it is given, a fresh tmpfs home, a read-only view of only what the program needs (its binary,
 * the folders of its shared libraries, the files that make `localhost` resolve, CA
 * certificates), and one writable folder: the terminal user's own. (kubectl's runs also write
 * its cache, in a private folder of the user's that only those runs see.) Nothing else of the host
 * is there: no data folder, no tokens, no other participant's folder, no repository.
 */
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { simulatorBinDir } from '../drill/drill-workspace';
import { GamedayError } from '../core/gameday-error';

/** Where things are inside the sandbox. */
export const sandboxPaths = {
  bin: '/opt/gameday/bin',
  agencBundle: '/opt/gameday/lib/agenc.mjs',
  home: '/home/gameday',
  kubeconfig: '/opt/gameday/kubeconfig',
  kubeCache: '/opt/gameday/kube-cache',
} as const;

/** The programs a sandbox can hold; each appears at `/opt/gameday/bin/<name>`. */
export type SandboxProgram = 'curl' | 'kubectl' | 'agenc' | 'bash' | 'date' | 'grep' | 'node';

export interface SandboxMount {
  /** A file or folder on the host. */
  source: string;
  /** Where it appears inside. */
  target: string;
}

/** One program run: what it may see, where it may write, and its whole environment. */
export interface SandboxRun {
  /** The programs on PATH inside (the health script needs several). */
  programs: readonly SandboxProgram[];
  /** The command line; its first word is one of `programs`. */
  argv: readonly string[];
  /** The only writable folder, and the working directory, at the same path inside as outside. */
  workDir: string;
  /** The environment besides PATH, HOME and LANG (which the sandbox sets). */
  env: Readonly<Record<string, string>>;
  /** Files or folders shown read-only (over `workDir` too: the runbook's scripts). */
  readOnly?: readonly SandboxMount[];
  /**
   * More writable folders, for this run only: kubectl's cache. A cache in the tmpfs home would
   * be cold on every line, and kubectl's discovery then costs five requests and ~30 ms a line.
   */
  writable?: readonly SandboxMount[];
}

/** A program the sandbox can show, as found on the host when the sandbox was detected. */
interface HostProgram {
  path: string;
  libraryDirs: string[];
  /** More files it reads (agenc: its bundle). */
  files?: SandboxMount[];
}

/** Thrown when a run needs a program this machine does not have. */
export class SandboxProgramMissing extends Error {}

/**
 * What is shown read-only when it exists: name resolution for `localhost`, the loader's cache,
 * the CA bundle (Debian's and Red Hat's paths). Files, not folders: each mount costs time on
 * every line, and these are all the programs read.
 */
const systemFiles = ['/etc/hosts', '/etc/nsswitch.conf', '/etc/ld.so.cache', '/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt'];

/** The devices the programs use; bwrap's whole `--dev` costs a tmpfs, devpts and six binds per line. */
const devices = ['/dev/null', '/dev/urandom'];

const execFileAsync = promisify(execFile);

/** The folders holding a binary's shared libraries, from `ldd`; none for a static binary (kubectl). */
async function libraryDirs(binary: string): Promise<string[]> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync('ldd', [binary], { encoding: 'utf8', timeout: 5000 }));
  } catch {
    return [];
  }
  const dirs = new Set<string>();
  for (const line of stdout.split('\n')) {
    // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)" or "/lib64/ld-linux-x86-64.so.2 (0x…)"
    const match = /(?:=>\s*|^\s*)(\/\S+)\s+\(/.exec(line);
    if (match) dirs.add(dirname(match[1]!));
  }
  return [...dirs];
}

function onPath(name: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return realpathSync(candidate);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The agenc bundle and its launcher, as `pnpm build` leaves them. */
function agencFiles(): { bundle: string; launcher: string } {
  const bin = simulatorBinDir();
  return { bundle: join(bin, '..', 'dist', 'agenc.js'), launcher: join(bin, 'sandbox-agenc') };
}

export class Sandbox {
  private constructor(
    /** The bwrap binary. */
    readonly bwrap: string,
    /** `bubblewrap 0.8.0`, for the start-up line. */
    readonly version: string,
    private readonly programs: ReadonlyMap<SandboxProgram, HostProgram | undefined>,
  ) {}

  /** Finds bwrap and the programs on the host, without blocking (it runs at start-up); no probe (see detectSandbox). */
  static async locate(bwrap: string, searchPath = process.env.PATH ?? '/usr/bin:/bin'): Promise<Sandbox | string> {
    const binary = bwrap.includes('/') ? (existsSync(bwrap) ? bwrap : undefined) : onPath(bwrap, searchPath);
    if (binary === undefined) return `${bwrap} not found (install the bubblewrap package)`;
    let version: string;
    try {
      version = (await execFileAsync(binary, ['--version'], { encoding: 'utf8', timeout: 5000 })).stdout.trim();
    } catch (error) {
      return `${binary} --version failed: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`;
    }
    const found = async (path: string | undefined): Promise<HostProgram | undefined> => (path === undefined ? undefined : { path, libraryDirs: await libraryDirs(path) });
    const names = ['curl', 'kubectl', 'bash', 'date', 'grep'] as const;
    const [node, ...tools] = await Promise.all([found(realpathSync(process.execPath)), ...names.map((name) => found(onPath(name, searchPath)))]);
    const programs = new Map<SandboxProgram, HostProgram | undefined>(names.map((name, index) => [name, tools[index]]));
    programs.set('node', node);
    const agenc = agencFiles();
    programs.set('agenc', node && existsSync(agenc.bundle) ? { path: agenc.launcher, libraryDirs: node.libraryDirs, files: [{ source: agenc.bundle, target: sandboxPaths.agencBundle }] } : undefined);
    return new Sandbox(binary, version, programs);
  }

  /**
   * The bwrap command line that runs `run`, and the whole environment to start it with. The
   * environment goes to bwrap itself, which passes it on, rather than in `--clearenv --setenv`
   * pairs: those are arguments, and a token in an argument shows in every local user's `ps`.
   * Throws SandboxProgramMissing for a program the host lacks.
   */
  command(run: SandboxRun): { file: string; args: string[]; env: Record<string, string> } {
    const needed = new Set<SandboxProgram>(run.programs);
    if (needed.has('agenc')) needed.add('node');
    const args = ['--unshare-all', '--share-net', '--die-with-parent', '--new-session', '--cap-drop', 'ALL'];
    // node finds itself through /proc/self/exe; curl, kubectl and bash do without. The process
    // namespace is new, so this /proc shows only the sandbox's own processes.
    if (needed.has('node')) args.push('--proc', '/proc');
    for (const device of devices) args.push('--dev-bind-try', device, device);
    args.push('--tmpfs', sandboxPaths.home);
    const libraries = new Set<string>();
    const binaries: SandboxMount[] = [];
    for (const name of needed) {
      const program = this.programs.get(name);
      if (!program) throw new SandboxProgramMissing(name === 'agenc' ? 'agenc is not built on this server (run pnpm build)' : `${name} is not installed on this server`);
      for (const dir of program.libraryDirs) libraries.add(dir);
      binaries.push({ source: program.path, target: `${sandboxPaths.bin}/${name}` }, ...(program.files ?? []));
    }
    // Parents before children, so a folder bound inside another stays visible.
    for (const dir of [...libraries].sort()) args.push('--ro-bind', dir, dir);
    for (const file of systemFiles) args.push('--ro-bind-try', file, file);
    for (const mount of binaries) args.push('--ro-bind', mount.source, mount.target);
    args.push('--bind', run.workDir, run.workDir);
    for (const mount of run.readOnly ?? []) args.push('--ro-bind', mount.source, mount.target);
    for (const mount of run.writable ?? []) args.push('--bind', mount.source, mount.target);
    // The root bwrap builds is a tmpfs; read-only, so the user's folder (and the empty home) are the only places to write.
    args.push('--remount-ro', '/');
    args.push('--chdir', run.workDir);
    const [program, ...rest] = run.argv;
    args.push('--', `${sandboxPaths.bin}/${program}`, ...rest);
    return { file: this.bwrap, args, env: { ...run.env, PATH: sandboxPaths.bin, HOME: sandboxPaths.home, LANG: 'C.UTF-8' } };
  }
}

/** Whether the terminal's programs can be sandboxed here, and if not, why. */
export type SandboxStatus = { sandbox: Sandbox; reason: null } | { sandbox: null; reason: string };

const detected = new Map<string, Promise<SandboxStatus>>();

/**
 * Finds bwrap (`$GAMEDAY_BWRAP`, else `bwrap` on PATH) and proves it works with a real run: a
 * sandboxed node writes a file into a fresh folder, and the file must be there afterwards.
 * Namespaces can be missing (a container without user namespaces), so finding the binary is
 * not enough. The answer is kept for the life of the process.
 */
export function detectSandbox(bwrap = process.env.GAMEDAY_BWRAP ?? 'bwrap'): Promise<SandboxStatus> {
  let status = detected.get(bwrap);
  if (status === undefined) {
    status = probe(bwrap);
    detected.set(bwrap, status);
  }
  return status;
}

async function probe(bwrap: string): Promise<SandboxStatus> {
  const located = await Sandbox.locate(bwrap);
  if (typeof located === 'string') return { sandbox: null, reason: located };
  const workDir = mkdtempSync(join(tmpdir(), 'gameday-sandbox-probe-'));
  try {
    const { file, args, env } = located.command({ programs: ['node'], argv: ['node', '-e', "require('fs').writeFileSync('probe', 'sandboxed')"], workDir, env: {} });
    const stderr = await new Promise<string>((resolveRun) => {
      const child = spawn(file, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let text = '';
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('error', (error) => {
        clearTimeout(timer);
        resolveRun(error.message);
      });
      child.once('close', () => {
        clearTimeout(timer);
        resolveRun(text);
      });
    });
    const written = existsSync(join(workDir, 'probe')) ? readFileSync(join(workDir, 'probe'), 'utf8') : '';
    if (written !== 'sandboxed') return { sandbox: null, reason: `${located.bwrap} cannot start a sandbox here: ${stderr.trim().split('\n')[0] || 'the probe run wrote nothing'}` };
    return { sandbox: located, reason: null };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Whether an address is this machine's own (IPv4 127/8, IPv6 ::1, or 127/8 mapped into IPv6). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4) || address === '::1';
}

/**
 * The sandbox a terminal line runs in, or null to run it directly. Without a working bwrap a
 * line runs directly only for a client on this machine (who could run the tools anyway), or
 * for anyone when the operator said so with `--unsafe-terminal`; anyone else is refused.
 */
export function terminalSandbox(status: SandboxStatus, options: { clientAddress: string | undefined; unsafe: boolean }): Sandbox | null {
  if (status.sandbox) return status.sandbox;
  if (options.unsafe || isLoopbackAddress(options.clientAddress)) return null;
  throw new GamedayError(
    'TERMINAL_NEEDS_SANDBOX',
    `the in-browser terminal answers other machines only when it can sandbox its programs, and this server cannot (${status.reason}). Use your own shell (eval "$(gameday env)"), or ask the operator to install bubblewrap and restart gameday serve (or, accepting the risk, restart it with --unsafe-terminal)`,
  );
}
