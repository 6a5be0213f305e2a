/**
 * Parses one line of the in-browser terminal into a pipeline, the way bash would read the
 * runbook's commands: quotes, backslash continuations, `$VAR` and `${VAR}`, `$(date +FORMAT)`,
 * pipes, and a final `> file` or `>> file`. Everything else a shell could do (`;`, `&&`, `&`,
 * backticks, other substitutions, input redirection) is refused with a reason: the terminal
 * runs a fixed set of programs against the drill, never a shell.
 */

export interface Stage {
  program: string;
  args: string[];
}

export interface Pipeline {
  stages: Stage[];
  redirect: { file: string; append: boolean } | null;
}

export class CommandLineError extends Error {}

/** `date +FORMAT` as GNU date formats the few fields runbooks use. */
export function formatDate(format: string, now: Date): string {
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  const fields: Record<string, () => string> = {
    Y: () => String(now.getUTCFullYear()),
    m: () => pad(now.getUTCMonth() + 1),
    d: () => pad(now.getUTCDate()),
    H: () => pad(now.getUTCHours()),
    M: () => pad(now.getUTCMinutes()),
    S: () => pad(now.getUTCSeconds()),
    s: () => String(Math.floor(now.getTime() / 1000)),
    F: () => `${now.getUTCFullYear()}-${pad(now.getUTCMonth() + 1)}-${pad(now.getUTCDate())}`,
    T: () => `${pad(now.getUTCHours())}:${pad(now.getUTCMinutes())}:${pad(now.getUTCSeconds())}`,
    '%': () => '%',
  };
  return format.replace(/%(.)/g, (whole, field: string) => fields[field]?.() ?? whole);
}

/** The output of `date` with no format, in UTC like the drill's clock. */
export function defaultDate(now: Date): string {
  return now.toUTCString().replace('GMT', 'UTC');
}

interface Context {
  env: Record<string, string>;
  now: Date;
}

/** Expands `$(date …)`: the one command substitution the runbook uses. */
function substitute(inner: string, context: Context): string {
  const words = inner.trim().split(/\s+/);
  if (words[0] !== 'date') throw new CommandLineError(`$(${inner.trim()}) is not available in this drill; only $(date +FORMAT) is`);
  if (words.length === 1) return defaultDate(context.now);
  const format = words.slice(1).join(' ').replace(/^['"]|['"]$/g, '');
  if (!format.startsWith('+')) throw new CommandLineError(`date ${format}: only date +FORMAT is available in this drill`);
  return formatDate(format.slice(1), context.now);
}

function expandVariable(line: string, index: number, context: Context): { value: string; end: number } {
  const rest = line.slice(index + 1);
  if (rest.startsWith('(')) {
    const close = line.indexOf(')', index);
    if (close < 0) throw new CommandLineError('unclosed $( ... )');
    return { value: substitute(line.slice(index + 2, close), context), end: close + 1 };
  }
  const braced = /^\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(rest);
  const plain = /^([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
  const match = braced ?? plain;
  if (!match) return { value: '$', end: index + 1 };
  return { value: context.env[match[1]!] ?? '', end: index + 1 + match[0].length };
}

type Token = { kind: 'word'; value: string } | { kind: 'pipe' } | { kind: 'redirect'; append: boolean };

function tokenize(input: string, context: Context): Token[] {
  // Backslash-newline is a continuation: the runbook's multi-line curl commands.
  const line = input.replace(/\\\r?\n/g, ' ').replace(/\r?\n/g, ' ');
  const tokens: Token[] = [];
  let word = '';
  let inWord = false;
  const flush = () => {
    if (inWord) tokens.push({ kind: 'word', value: word });
    word = '';
    inWord = false;
  };
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (char === ' ' || char === '\t') {
      flush();
    } else if (char === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) throw new CommandLineError("unclosed single quote (')");
      word += line.slice(i + 1, close);
      inWord = true;
      i = close;
    } else if (char === '"') {
      inWord = true;
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        const inner = line[j]!;
        if (inner === '\\' && j + 1 < line.length && '"\\$`'.includes(line[j + 1]!)) {
          word += line[++j];
        } else if (inner === '$') {
          const { value, end } = expandVariable(line, j, context);
          word += value;
          j = end - 1;
        } else if (inner === '`') {
          throw new CommandLineError('backticks are not available in this drill');
        } else word += inner;
      }
      if (j >= line.length) throw new CommandLineError('unclosed double quote (")');
      i = j;
    } else if (char === '\\') {
      word += line[++i] ?? '';
      inWord = true;
    } else if (char === '$') {
      const { value, end } = expandVariable(line, i, context);
      word += value;
      inWord = true;
      i = end - 1;
    } else if (char === '|') {
      if (line[i + 1] === '|') throw new CommandLineError('|| is not available in this drill: run one command at a time');
      flush();
      tokens.push({ kind: 'pipe' });
    } else if (char === '>') {
      flush();
      const append = line[i + 1] === '>';
      if (append) i++;
      tokens.push({ kind: 'redirect', append });
    } else if (char === ';' || char === '&' || char === '<' || char === '`' || char === '(' || char === ')') {
      throw new CommandLineError(`"${char}" is not available in this drill: run one command at a time (pipes and > file work)`);
    } else {
      word += char;
      inWord = true;
    }
  }
  flush();
  return tokens;
}

export function parseCommandLine(input: string, context: Context): Pipeline {
  const tokens = tokenize(input, context);
  const stages: Stage[] = [];
  let current: string[] = [];
  let redirect: Pipeline['redirect'] = null;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'word') {
      if (redirect) throw new CommandLineError('nothing may follow "> file"');
      current.push(token.value);
    } else if (token.kind === 'pipe') {
      if (current.length === 0) throw new CommandLineError('a pipe needs a command on each side');
      stages.push({ program: current[0]!, args: current.slice(1) });
      current = [];
    } else {
      const target = tokens[i + 1];
      if (target?.kind !== 'word') throw new CommandLineError('"> " needs a file name');
      redirect = { file: target.value, append: token.append };
      i++;
    }
  }
  if (current.length > 0) stages.push({ program: current[0]!, args: current.slice(1) });
  else if (stages.length > 0) throw new CommandLineError('a pipe needs a command on each side');
  return { stages, redirect };
}
