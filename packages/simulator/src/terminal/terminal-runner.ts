/**
 * Runs one line of the in-browser terminal against the drill: the first program is curl,
 * kubectl, agenc, the runbook's health script or a small builtin; later pipe stages are text
 * filters done here (grep, head, tail, wc, sort); `> file` writes into the user's own folder.
 * Real curl, kubectl and agenc run, so the output is what a real shell gives; but never through
 * a shell, only with arguments that stay inside the drill, with settings the user cannot write
 * (on the command line, or in files outside their folder), and in a bubblewrap sandbox
 * (sandbox.ts) where their folder is the only one they can see and write.
 */
import { spawn } from 'node:child_process';
import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { RE2JS } from 're2js';
import { curlConnectTo, runbookPort, type ServeRecord } from '../drill/drill-workspace';
import { checkAgenc, checkCurl, checkHealthScript, checkKubectl, checkLetterOptions, terminalAllowances } from './command-allowlist';
import { CommandLineError, defaultDate, formatDate, parseCommandLine, type Stage } from './command-line';
import { SandboxProgramMissing, sandboxPaths, type Sandbox, type SandboxProgram } from './sandbox';

/** What a user's programs are started with: all of it from outside the user's folder. */
export interface ToolSettings {
  /** The user's own token: `$ADMIN_TOKEN` in a line, and agenc's. */
  token: string;
  /** The drill's address (agenc's AGENC_URL). */
  url: string;
  /** The user's kubeconfig, given to kubectl with --kubeconfig (read-only in the sandbox). */
  kubeconfig: string;
  /** kubectl's --cache-dir, private to the user: only kubectl's runs see it (and the health script's). */
  kubeCacheDir: string;
  /** HOME when programs run without a sandbox (inside one, HOME is an empty tmpfs). */
  homeDir: string;
  /** The server's copy of the runbook's scripts, shown read-only as the user's `scripts/`. */
  scriptsDir: string;
  /** curl's --connect-to values that send the runbook's localhost:9090 to the drill. */
  connectTo: string[];
  /** Where `agenc` is when programs run without a sandbox. */
  binDir: string;
}

export interface TerminalContext {
  /** The user's own folder: the working directory, the one folder programs may write, and where `> file` writes. */
  cwd: string;
  /** What `$VAR` in a line expands to; no program sees these as its environment. */
  env: Record<string, string>;
  /** Simulated now, for `date`. */
  now: Date;
  /** The drill's own port, besides the runbook's 9090. */
  port: number;
  tools: ToolSettings;
  /** Runs every program under bubblewrap; null runs them directly (no working bwrap: loopback clients, or `--unsafe-terminal`). */
  sandbox: Sandbox | null;
  /** Ctrl+C: aborting it kills the line's program (the sandbox and all in it) and ends the line with status 130. */
  signal?: AbortSignal | undefined;
  /** The browser terminal's width in characters: programs get it as COLUMNS, as a shell gives a terminal's, and help wraps to it. */
  columns?: number | undefined;
}

/** The terminal context of one user (the admin's record, or a participant's from participantRecord). */
export function terminalContext(record: ServeRecord, now: Date, sandbox: Sandbox | null): TerminalContext {
  // The terminal runs where the drill runs: its programs talk to the drill's server directly,
  // never through a fleet's public address (`serverUrl`, not `url`).
  const urlHost = new URL(record.serverUrl).host.replace(/:\d+$/, '');
  return {
    cwd: record.workDir,
    env: { ADMIN_TOKEN: record.adminToken, AGENC_URL: record.serverUrl, HOME: sandbox ? sandboxPaths.home : record.homeDir, PWD: record.workDir },
    now,
    port: record.port,
    tools: {
      token: record.adminToken,
      url: record.serverUrl,
      kubeconfig: record.terminalKubeconfig,
      kubeCacheDir: record.kubeCacheDir,
      homeDir: record.homeDir,
      scriptsDir: record.scriptsDir,
      connectTo: curlConnectTo(urlHost, record.port),
      binDir: record.binDir,
    },
    sandbox,
  };
}

export interface TerminalResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** The terminal refused the line (not allowed, or not a line it can read): nothing ran. */
  refused?: true;
}

const outputLimit = 256 * 1024;
/** A line stopped by Ctrl+C ends with the status a shell gives a program killed by SIGINT. */
export const interruptedExitCode = 130;
const runTimeoutMs = 150_000;
export const healthScript = 'scripts/speculation-health.sh';
/** The programs a line may start with (`help` says what each takes). */
export const terminalPrograms = ['curl', 'kubectl', 'agenc', `./${healthScript}`, 'grep', 'head', 'tail', 'wc', 'sort', 'echo', 'date', 'cat', 'ls', 'pwd', 'help'];

class Refusal extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** Where to go for anything else: the "Your shell" panel's line carries this drill's port and folder, which a bare `gameday env` may not find. */
const ownShell = 'For anything else, use your own shell, set up with the line in the "Your shell" panel (eval "$(gameday env --port …)").';

const notAvailable = (what: string) =>
  new Refusal(`${what}: not available in this drill. Available: ${terminalPrograms.join(', ')}. ${ownShell}`, 127);

// ---- running programs and filters ---------------------------------------------------------

/** One program to start: the programs it needs, its command line, and its environment. */
interface ProgramRun {
  programs: SandboxProgram[];
  argv: string[];
  env?: Record<string, string>;
  /** Whether it reads the user's kubeconfig and writes kubectl's cache. */
  kube?: boolean;
}

/** Where a program finds the user's settings: bound at fixed paths inside the sandbox, or on the host. */
function settingsPaths(context: TerminalContext): { kubeconfig: string; kubeCache: string; healthScript: string } {
  const { tools } = context;
  return context.sandbox
    ? { kubeconfig: sandboxPaths.kubeconfig, kubeCache: sandboxPaths.kubeCache, healthScript: join(context.cwd, healthScript) }
    : { kubeconfig: tools.kubeconfig, kubeCache: tools.kubeCacheDir, healthScript: join(tools.scriptsDir, 'speculation-health.sh') };
}

/** The command that starts `run`: bwrap around it, or (without a sandbox) the program with a clean environment. */
function launch(given: ProgramRun, context: TerminalContext): { file: string; args: string[]; env: NodeJS.ProcessEnv } {
  const { tools, sandbox } = context;
  const run = context.columns === undefined ? given : { ...given, env: { ...given.env, COLUMNS: String(context.columns) } };
  if (sandbox) {
    return sandbox.command({
      programs: run.programs,
      argv: run.argv,
      workDir: context.cwd,
      env: run.env ?? {},
      readOnly: [{ source: tools.scriptsDir, target: join(context.cwd, 'scripts') }, ...(run.kube ? [{ source: tools.kubeconfig, target: sandboxPaths.kubeconfig }] : [])],
      writable: run.kube ? [{ source: tools.kubeCacheDir, target: sandboxPaths.kubeCache }] : [],
    });
  }
  const [program, ...args] = run.argv;
  return { file: program!, args, env: { PATH: `${tools.binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: tools.homeDir, LANG: 'C.UTF-8', ...run.env } };
}

function runProgram(run: ProgramRun, context: TerminalContext): Promise<TerminalResult> {
  const command = run.argv[0]!;
  if (context.signal?.aborted) return Promise.resolve({ stdout: '', stderr: '', exitCode: interruptedExitCode });
  let started: ReturnType<typeof launch>;
  try {
    started = launch(run, context);
  } catch (error) {
    if (error instanceof SandboxProgramMissing) return Promise.resolve({ stdout: '', stderr: `${command}: ${error.message}\n`, exitCode: 127 });
    throw error;
  }
  return new Promise((resolveRun) => {
    const child = spawn(started.file, started.args, { cwd: context.cwd, env: started.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const take = (current: string, chunk: Buffer) => (current.length < outputLimit ? current + chunk.toString() : current);
    child.stdout.on('data', (chunk: Buffer) => (stdout = take(stdout, chunk)));
    child.stderr.on('data', (chunk: Buffer) => (stderr = take(stderr, chunk)));
    const timer = setTimeout(() => child.kill('SIGKILL'), runTimeoutMs);
    // Killing bwrap ends its whole sandbox: the program is its namespace's only process tree,
    // and --die-with-parent takes the rest down with it.
    let interrupted = false;
    const interrupt = () => {
      interrupted = true;
      child.kill('SIGKILL');
    };
    context.signal?.addEventListener('abort', interrupt, { once: true });
    const done = () => {
      clearTimeout(timer);
      context.signal?.removeEventListener('abort', interrupt);
    };
    child.once('error', (error) => {
      done();
      resolveRun({ stdout, stderr: `${command}: ${error.message}\n`, exitCode: 127 });
    });
    child.once('close', (code, signal) => {
      done();
      if (interrupted) resolveRun({ stdout, stderr, exitCode: interruptedExitCode });
      else resolveRun({ stdout, stderr: signal === 'SIGKILL' ? `${stderr}${command}: stopped after ${runTimeoutMs / 1000} s\n` : stderr, exitCode: code ?? 1 });
    });
  });
}

function lines(text: string): string[] {
  const all = text.split('\n');
  if (all[all.length - 1] === '') all.pop();
  return all;
}

/**
 * A line cut at spaces to fit `columns`, continuation lines indented under the first's text, so
 * a phone's narrow terminal shows whole words rather than xterm's hard breaks mid-word.
 */
export function wrapLine(line: string, columns: number | undefined): string[] {
  if (columns === undefined || line.length <= columns) return [line];
  const indent = ' '.repeat(Math.min(/^\s*/.exec(line)![0].length + 2, Math.floor(columns / 3)));
  const rows: string[] = [];
  let row = '';
  for (const word of line.trim().split(/ +/)) {
    const prefix = rows.length === 0 && row === '' ? /^\s*/.exec(line)![0] : row === '' ? indent : '';
    const candidate = row === '' ? `${prefix}${word}` : `${row} ${word}`;
    if (candidate.length <= columns || row === '') row = candidate;
    else {
      rows.push(row);
      row = `${indent}${word}`;
    }
  }
  if (row !== '') rows.push(row);
  // A word longer than a row is cut where the row ends, as the terminal itself would.
  return rows.flatMap((whole) => Array.from({ length: Math.ceil(whole.length / columns) }, (_, index) => whole.slice(index * columns, (index + 1) * columns)));
}

const joinLines = (items: string[]) => (items.length === 0 ? '' : `${items.join('\n')}\n`);

/** `-n N` or `-N`, for head and tail. */
function countOption(name: string, args: string[]): { count: number; rest: string[] } {
  let count = 10;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-n') {
      count = Number(args[++i]);
    } else if (/^-n\d+$/.test(arg)) count = Number(arg.slice(2));
    else if (/^-\d+$/.test(arg)) count = Number(arg.slice(1));
    else if (arg.startsWith('-')) throw new Refusal(`${name}: option ${arg} is not available; use -n N`);
    else rest.push(arg);
  }
  if (!Number.isInteger(count) || count < 0) throw new Refusal(`${name}: the line count must be a whole number`);
  return { count, rest };
}

/**
 * A file a line reads: a plain name in the user's folder, or one of the runbook's `scripts/`
 * (the server's copy, as the sandbox shows it). Never a link, never anything outside.
 */
function readableFile(name: string, context: TerminalContext): string {
  const match = /^(?:\.\/)?(scripts\/)?([A-Za-z0-9._-]+)$/.exec(name);
  if (!match || name.includes('..')) throw new Refusal(`${name}: no such file in your folder; name a file there (see ls) or one of scripts/`, 1);
  return match[1] ? join(context.tools.scriptsDir, match[2]!) : join(context.cwd, match[2]!);
}

/** What `> file` may create: a plain name starting with a letter or digit, such as stake_snapshot_20250101.txt. */
const writableName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const maxFileBytes = 4 * 1024 * 1024;
const maxFiles = 200;

/**
 * Writes a redirect's output into the user's folder. The name is a plain file name (no folder,
 * so nothing under scripts/; no leading dot, so no tool settings file), and not a kubeconfig;
 * an existing link or folder of that name is refused rather than followed.
 */
function writeRedirect(name: string, text: string, append: boolean, context: TerminalContext): void {
  if (!writableName.test(name) || /^kubeconfig/i.test(name)) {
    throw new Refusal(`${name}: write to a plain file name in your folder: letters, digits, ".", "_" and "-", starting with a letter or digit, other than kubeconfig (for example stake_snapshot.txt)`, 1);
  }
  const path = join(context.cwd, name);
  let existing: ReturnType<typeof lstatSync> | undefined;
  try {
    existing = lstatSync(path);
  } catch {
    existing = undefined;
  }
  if (existing && !existing.isFile()) throw new Refusal(`${name}: not a plain file in your folder; write to another name`, 1);
  if (!existing && readdirSync(context.cwd).length >= maxFiles) throw new Refusal(`${name}: your folder holds ${maxFiles} files already; append to one of them (>>) or overwrite one (>)`, 1);
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | (append ? constants.O_APPEND : constants.O_TRUNC), 0o644);
  try {
    if (fstatSync(fd).size + Buffer.byteLength(text) > maxFileBytes) throw new Refusal(`${name}: a file in your folder may hold up to ${maxFileBytes / 1024 / 1024} MB; write to a new file`, 1);
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

function readInput(name: string, args: string[], input: string | null, context: TerminalContext): { text: string; rest: string[] } {
  if (input !== null) return { text: input, rest: args };
  const file = args[args.length - 1];
  if (file === undefined) throw new Refusal(`${name}: give a file, or pipe a command into it`);
  const path = readableFile(file, context);
  let text: string;
  try {
    const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      if (!fstatSync(fd).isFile()) throw new Error('not a file');
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    throw new Refusal(`${name}: ${file}: No such file`, 1);
  }
  return { text, rest: args.slice(0, -1) };
}

/** A filter stage: text in, text out, with the exit status the real tool would give. */
function filter(stage: Stage, input: string | null, context: TerminalContext): TerminalResult {
  const { program, args } = stage;
  switch (program) {
    case 'grep': {
      const { letters: flags, words } = checkLetterOptions('grep', args);
      const pattern = words[0];
      if (pattern === undefined) throw new Refusal('grep: no pattern given');
      const { text } = readInput('grep', words.slice(1), input, context);
      let source = flags.includes('F') ? RE2JS.quote(pattern) : flags.includes('E') ? pattern : pattern.replace(/\\([|(){}+?])/g, '$1');
      if (flags.includes('w')) source = `\\b(?:${source})\\b`;
      // RE2 matches in linear time: a participant's pattern such as (a+)+$ cannot hold the
      // server's one thread, as a backtracking RegExp would on a long line.
      let regex: RE2JS;
      try {
        regex = RE2JS.compile(source, flags.includes('i') ? RE2JS.CASE_INSENSITIVE : 0);
      } catch {
        throw new Refusal(`grep: invalid pattern ${pattern}`);
      }
      const matched = lines(text)
        .map((line, index) => ({ line, index }))
        .filter(({ line }) => regex.test(line) !== flags.includes('v'));
      const out = flags.includes('c')
        ? [String(matched.length)]
        : matched.map(({ line, index }) => {
            const matcher = regex.matcher(line);
            const shown = flags.includes('o') && matcher.find() ? (matcher.group() ?? line) : line;
            return flags.includes('n') ? `${index + 1}:${shown}` : shown;
          });
      return { stdout: joinLines(out), stderr: '', exitCode: matched.length > 0 ? 0 : 1 };
    }
    case 'head':
    case 'tail': {
      const { count, rest } = countOption(program, args);
      const { text } = readInput(program, rest, input, context);
      const all = lines(text);
      return { stdout: joinLines(program === 'head' ? all.slice(0, count) : all.slice(Math.max(0, all.length - count))), stderr: '', exitCode: 0 };
    }
    case 'wc': {
      const { letters, words } = checkLetterOptions('wc', args);
      const onlyLines = letters.includes('l');
      const { text } = readInput('wc', words, input, context);
      const lineCount = (text.match(/\n/g) ?? []).length;
      const out = onlyLines ? String(lineCount) : `${lineCount} ${text.split(/\s+/).filter(Boolean).length} ${Buffer.byteLength(text)}`;
      return { stdout: `${out}\n`, stderr: '', exitCode: 0 };
    }
    case 'sort': {
      const { letters: options, words } = checkLetterOptions('sort', args);
      const { text } = readInput('sort', words, input, context);
      const numeric = options.includes('n');
      const sorted = lines(text).sort((a, b) => (numeric ? parseFloat(a) - parseFloat(b) : a.localeCompare(b)));
      if (options.includes('r')) sorted.reverse();
      return { stdout: joinLines(sorted), stderr: '', exitCode: 0 };
    }
    case 'cat':
      return { stdout: readInput('cat', checkLetterOptions('cat', args).words, input, context).text, stderr: '', exitCode: 0 };
    default:
      throw notAvailable(program);
  }
}

function builtin(stage: Stage, context: TerminalContext): TerminalResult | undefined {
  const { program, args } = stage;
  switch (program) {
    case 'echo': {
      const newline = args[0] !== '-n';
      return { stdout: `${(newline ? args : args.slice(1)).join(' ')}${newline ? '\n' : ''}`, stderr: '', exitCode: 0 };
    }
    case 'date': {
      const format = args[0];
      if (format !== undefined && !format.startsWith('+')) throw new Refusal('date: only date +FORMAT is available in this drill');
      return { stdout: `${format === undefined ? defaultDate(context.now) : formatDate(format.slice(1), context.now)}\n`, stderr: '', exitCode: 0 };
    }
    case 'ls': {
      // The user's folder only; entries as they are (a link is not followed).
      const all = checkLetterOptions('ls', args).letters.includes('a');
      const names = readdirSync(context.cwd).filter((name) => !name.startsWith('.') || all);
      return { stdout: joinLines(names.sort().map((name) => (lstatSync(join(context.cwd, name)).isDirectory() ? `${name}/` : name))), stderr: '', exitCode: 0 };
    }
    case 'pwd':
      return { stdout: `${context.cwd}\n`, stderr: '', exitCode: 0 };
    case 'help': {
      const text = [
        "This terminal runs the runbook's commands against the drill. What each program takes here:",
        ...terminalAllowances.map(({ program, allows }) => `  ${program}: ${allows}`),
        'Pipes (| grep -E …, | head -50) and > file work; $ADMIN_TOKEN and $(date +FORMAT) are expanded.',
        ownShell,
      ];
      return { stdout: joinLines(text.flatMap((line) => wrapLine(line, context.columns))), stderr: '', exitCode: 0 };
    }
    default:
      return undefined;
  }
}

async function firstStage(stage: Stage, input: string | null, context: TerminalContext, toScreen: boolean): Promise<TerminalResult> {
  const { tools } = context;
  const paths = settingsPaths(context);
  switch (stage.program) {
    case 'curl': {
      const argv = checkCurl(stage.args, { ports: [runbookPort, context.port] });
      // -q first, so curl reads no .curlrc; the runbook's localhost:9090 reaches the drill through
      // --connect-to on the command line instead. curl hides its progress meter when writing to a
      // terminal; here it writes to a pipe, so say so, or the trainee would see a meter their own
      // shell never shows.
      return runProgram({ programs: ['curl'], argv: ['curl', '-q', ...tools.connectTo.flatMap((value) => ['--connect-to', value]), ...(toScreen ? ['--no-progress-meter'] : []), ...argv] }, context);
    }
    case 'kubectl':
      return runProgram({ programs: ['kubectl'], argv: ['kubectl', `--kubeconfig=${paths.kubeconfig}`, `--cache-dir=${paths.kubeCache}`, ...checkKubectl(stage.args)], kube: true }, context);
    case 'agenc':
      return runProgram({ programs: ['agenc'], argv: ['agenc', ...checkAgenc(stage.args)], env: { AGENC_URL: tools.url, ADMIN_TOKEN: tools.token } }, context);
    case healthScript:
    case `./${healthScript}`:
      return runProgram(
        {
          programs: ['bash', 'date', 'grep', 'curl', 'kubectl', 'agenc'],
          argv: ['bash', paths.healthScript, ...checkHealthScript(stage.args)],
          env: { AGENC_URL: tools.url, ADMIN_TOKEN: tools.token, KUBECONFIG: paths.kubeconfig, KUBECACHEDIR: paths.kubeCache },
          kube: true,
        },
        context,
      );
    default:
      return builtin(stage, context) ?? filter(stage, input, context);
  }
}

/** Runs one terminal line. Refusals come back as a non-zero exit with the reason on stderr. */
export async function runTerminalLine(line: string, context: TerminalContext): Promise<TerminalResult> {
  if (line.trim() === '') return { stdout: '', stderr: '', exitCode: 0 };
  try {
    const pipeline = parseCommandLine(line, { env: context.env, now: context.now });
    const [head, ...rest] = pipeline.stages;
    if (!head) return { stdout: '', stderr: '', exitCode: 0 };
    let result = await firstStage(head, null, context, rest.length === 0 && pipeline.redirect === null);
    // An interrupted line stops where it was: no later stage, no file written.
    if (result.exitCode === interruptedExitCode && context.signal?.aborted) return result;
    for (const stage of rest) {
      if (!['grep', 'head', 'tail', 'wc', 'sort', 'cat'].includes(stage.program)) throw notAvailable(`${stage.program} after a pipe`);
      const next = filter(stage, result.stdout, context);
      // As in bash without pipefail: the pipeline's status is the last stage's.
      result = { stdout: next.stdout, stderr: result.stderr + next.stderr, exitCode: next.exitCode };
    }
    if (pipeline.redirect) {
      writeRedirect(pipeline.redirect.file, result.stdout, pipeline.redirect.append, context);
      result = { ...result, stdout: '' };
    }
    return result;
  } catch (error) {
    if (error instanceof Refusal) return { stdout: '', stderr: `${error.message}\n`, exitCode: error.exitCode, refused: true };
    if (error instanceof CommandLineError) return { stdout: '', stderr: `${error.message}\n`, exitCode: 2, refused: true };
    throw error;
  }
}
