/**
 * Runs one line of the in-browser terminal against the drill: the first program is curl,
 * kubectl, agenc, the runbook's health script or a small builtin; later pipe stages are text
 * filters done here (grep, head, tail, wc, sort); `> file` writes into the drill folder. Real
 * curl, kubectl and agenc run with the drill's environment, so the output is what a real shell
 * gives; but never through a shell, and only with arguments that stay inside the drill.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RE2JS } from 're2js';
import { checkAgenc, checkCurl, checkHealthScript, checkKubectl, checkLetterOptions, terminalAllowances } from './command-allowlist';
import { CommandLineError, defaultDate, formatDate, parseCommandLine, type Stage } from './command-line';
import { runbookPort } from '../drill/drill-workspace';

export interface TerminalContext {
  /** The drill folder: the working directory, and where `> file` writes. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Simulated now, for `date`. */
  now: Date;
  /** The drill's own port, besides the runbook's 9090. */
  port: number;
}

export interface TerminalResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

const outputLimit = 256 * 1024;
const runTimeoutMs = 150_000;
export const healthScript = 'scripts/speculation-health.sh';
const programs = ['curl', 'kubectl', 'agenc', `./${healthScript}`, 'grep', 'head', 'tail', 'wc', 'sort', 'echo', 'date', 'cat', 'ls', 'pwd', 'help'];

class Refusal extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

const notAvailable = (what: string) =>
  new Refusal(`${what}: not available in this drill. Available: ${programs.join(', ')}. For anything else, use your own shell: eval "$(gameday env)"`, 127);

// ---- running programs and filters ---------------------------------------------------------

function runProgram(command: string, args: string[], context: TerminalContext): Promise<TerminalResult> {
  return new Promise((resolveRun) => {
    const child = spawn(command, args, { cwd: context.cwd, env: context.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const take = (current: string, chunk: Buffer) => (current.length < outputLimit ? current + chunk.toString() : current);
    child.stdout.on('data', (chunk: Buffer) => (stdout = take(stdout, chunk)));
    child.stderr.on('data', (chunk: Buffer) => (stderr = take(stderr, chunk)));
    const timer = setTimeout(() => child.kill('SIGKILL'), runTimeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolveRun({ stdout, stderr: `${command}: ${error.message}\n`, exitCode: 127 });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolveRun({ stdout, stderr: signal === 'SIGKILL' ? `${stderr}${command}: stopped after ${runTimeoutMs / 1000} s\n` : stderr, exitCode: code ?? 1 });
    });
  });
}

function lines(text: string): string[] {
  const all = text.split('\n');
  if (all[all.length - 1] === '') all.pop();
  return all;
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

function safeFile(name: string, context: TerminalContext, forWriting: boolean): string {
  const allowed = forWriting ? /^[A-Za-z0-9._-]+$/ : /^(?:\.\/)?(?:scripts\/)?[A-Za-z0-9._-]+$/;
  if (!allowed.test(name) || name.includes('..')) throw new Refusal(`${name}: ${forWriting ? 'write to a plain file name in the drill folder' : 'no such file in the drill folder'}`, 1);
  return join(context.cwd, name.replace(/^\.\//, ''));
}

function readInput(name: string, args: string[], input: string | null, context: TerminalContext): { text: string; rest: string[] } {
  if (input !== null) return { text: input, rest: args };
  const file = args[args.length - 1];
  if (file === undefined) throw new Refusal(`${name}: give a file, or pipe a command into it`);
  const path = safeFile(file, context, false);
  if (!existsSync(path) || statSync(path).isDirectory()) throw new Refusal(`${name}: ${file}: No such file`, 1);
  return { text: readFileSync(path, 'utf8'), rest: args.slice(0, -1) };
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
      const all = checkLetterOptions('ls', args).letters.includes('a');
      const names = readdirSync(context.cwd).filter((name) => !name.startsWith('.') || all);
      return { stdout: joinLines(names.sort().map((name) => (statSync(join(context.cwd, name)).isDirectory() ? `${name}/` : name))), stderr: '', exitCode: 0 };
    }
    case 'pwd':
      return { stdout: `${context.cwd}\n`, stderr: '', exitCode: 0 };
    case 'help':
      return {
        stdout: `This terminal runs the runbook's commands against the drill. What each program takes here:\n${terminalAllowances.map(({ program, allows }) => `  ${program}: ${allows}\n`).join('')}Pipes (| grep -E …, | head -50) and > file work; $ADMIN_TOKEN and $(date +FORMAT) are expanded.\nFor anything else, use your own shell: eval "$(gameday env)"\n`,
        stderr: '',
        exitCode: 0,
      };
    default:
      return undefined;
  }
}

async function firstStage(stage: Stage, input: string | null, context: TerminalContext, toScreen: boolean): Promise<TerminalResult> {
  switch (stage.program) {
    case 'curl': {
      const argv = checkCurl(stage.args, { ports: [runbookPort, context.port] });
      // curl hides its progress meter when writing to a terminal; here it writes to a pipe, so
      // say so, or the trainee would see a meter their own shell never shows.
      return runProgram('curl', toScreen ? ['--no-progress-meter', ...argv] : argv, context);
    }
    case 'kubectl':
      return runProgram('kubectl', checkKubectl(stage.args), context);
    case 'agenc':
      return runProgram('agenc', checkAgenc(stage.args), context);
    case healthScript:
    case `./${healthScript}`:
      return runProgram('bash', [join(context.cwd, healthScript), ...checkHealthScript(stage.args)], context);
    default:
      return builtin(stage, context) ?? filter(stage, input, context);
  }
}

/** Runs one terminal line. Refusals come back as a non-zero exit with the reason on stderr. */
export async function runTerminalLine(line: string, context: TerminalContext): Promise<TerminalResult> {
  if (line.trim() === '') return { stdout: '', stderr: '', exitCode: 0 };
  try {
    const env = Object.fromEntries(Object.entries(context.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
    const pipeline = parseCommandLine(line, { env, now: context.now });
    const [head, ...rest] = pipeline.stages;
    if (!head) return { stdout: '', stderr: '', exitCode: 0 };
    let result = await firstStage(head, null, context, rest.length === 0 && pipeline.redirect === null);
    for (const stage of rest) {
      if (!['grep', 'head', 'tail', 'wc', 'sort', 'cat'].includes(stage.program)) throw notAvailable(`${stage.program} after a pipe`);
      const next = filter(stage, result.stdout, context);
      // As in bash without pipefail: the pipeline's status is the last stage's.
      result = { stdout: next.stdout, stderr: result.stderr + next.stderr, exitCode: next.exitCode };
    }
    if (pipeline.redirect) {
      const path = safeFile(pipeline.redirect.file, context, true);
      if (pipeline.redirect.append) appendFileSync(path, result.stdout);
      else writeFileSync(path, result.stdout);
      result = { ...result, stdout: '' };
    }
    return result;
  } catch (error) {
    if (error instanceof Refusal) return { stdout: '', stderr: `${error.message}\n`, exitCode: error.exitCode };
    if (error instanceof CommandLineError) return { stdout: '', stderr: `${error.message}\n`, exitCode: 2 };
    throw error;
  }
}
