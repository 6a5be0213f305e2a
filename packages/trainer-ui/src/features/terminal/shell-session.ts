/**
 * The terminal's shell: xterm-readline does the line editing (cursor movement, Home/End,
 * Ctrl+A/E/U/K, ↑/↓ history, multi-line input), and this adds what a shell has beyond it:
 * Ctrl+W, Ctrl+R history search, Tab completion (asked of the server, which knows the allowlists
 * and the drill's cluster), running lines one after another with Ctrl+C to stop the running one,
 * and output that always ends before the next prompt.
 *
 * Keys reach readline through this session, never straight from xterm: it keeps Tab, Ctrl+W
 * and Ctrl+R (and every key while searching) for itself and passes the rest on.
 */
import { Readline } from 'xterm-readline';
import type { Terminal } from '@xterm/xterm';
import { CommandHistory } from './command-history';

export const prompt = '$ ';

/** What the session needs of xterm.js (a fake in component tests). */
export interface XtermLike {
  write(data: string, callback?: () => void): void;
  onData(listener: (data: string) => void): { dispose(): void };
  onResize(listener: (size: { cols: number; rows: number }) => void): { dispose(): void };
  attachCustomKeyEventHandler(handler: (event: KeyboardEvent) => boolean): void;
  readonly cols: number;
  readonly rows: number;
  readonly options: { tabStopWidth?: number | undefined };
  readonly buffer: { active: { cursorY: number } };
}

export interface TerminalOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface Completion {
  from: number;
  candidates: string[];
}

/** The server side of the terminal. */
export interface ShellHost {
  /** Runs a line; `columns` is the terminal's width now, for the programs' COLUMNS. */
  run(command: string, runId: string, columns: number): Promise<TerminalOutput>;
  complete(line: string, cursor: number): Promise<Completion>;
  /** Ctrl+C: true when the server stopped the line. */
  interrupt(runId: string): Promise<boolean>;
}

export interface ShellEvents {
  /** A line started running (its text), or the shell is at its prompt again (null). */
  busy(command: string | null): void;
  /** A line ended: what it printed, for the screen reader's live region. */
  ended(text: string): void;
}

const crlf = (text: string) => text.replace(/\r?\n/g, '\r\n');
const bell = '\x07';

/** The lines one submission holds: backslash-continued lines joined as the shell joins them, comments and blank lines dropped. */
export function commandsOf(text: string): string[] {
  return text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** The longest start every word shares. */
function commonPrefix(words: readonly string[]): string {
  let prefix = words[0] ?? '';
  for (const word of words) while (!word.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

/** The part of xterm-readline's private History the session replaces. */
interface ReadlineHistory {
  entries: string[];
  saveToLocalStorage(): void;
  restoreFromLocalStorage(): void;
}

interface Search {
  query: string;
  /** How many older matches Ctrl+R has stepped past. */
  skip: number;
  saved: string;
  savedPos: number;
}

export class ShellSession {
  private readonly readline = new Readline();
  /** readline's own key listener, fed by `forward`. */
  private readonly keyListeners = new Set<(data: string) => void>();
  private readonly disposables: Array<{ dispose(): void }> = [];
  private reading = false;
  /** Each read started; an abandoned read (a redraw) never resolves, and a stale one is ignored. */
  private readCount = 0;
  private search: Search | null = null;
  /** Every line run this session, oldest first: what Ctrl+R searches. */
  private readonly history: string[] = [];
  private readonly queue: string[] = [];
  private running: { command: string; runId: string; interrupted: boolean } | null = null;
  /** A command typed from the runbook while a line ran: it goes to the next prompt. */
  private pendingType: string | null = null;
  private disposed = false;
  /** Keys typed while Tab waits for the server: they follow the completion, as they would in bash. */
  private typeAhead: string[] | null = null;

  constructor(
    private readonly term: XtermLike,
    private readonly host: ShellHost,
    private readonly events: ShellEvents,
    private readonly newRunId: () => string = () => crypto.randomUUID(),
    private readonly kept: CommandHistory = new CommandHistory('drill'),
  ) {
    this.keepReadlineHistory();
  }

  /**
   * xterm-readline (1.2.2) writes its history under one global key on every line; its history
   * object is private, so the session swaps that object's storage for this drill's store.
   */
  private keepReadlineHistory(): void {
    const history = (this.readline as unknown as { history?: ReadlineHistory }).history;
    if (!history || !Array.isArray(history.entries)) throw new Error('xterm-readline has no history to keep per drill: was it upgraded?');
    history.saveToLocalStorage = () => this.kept.save(history.entries);
    history.restoreFromLocalStorage = () => {
      history.entries = this.kept.load();
    };
    history.restoreFromLocalStorage();
  }

  start(banner: string): void {
    const term = this.term;
    const keyListeners = this.keyListeners;
    // readline sees the terminal through this: everything as it is, but the keys come from us.
    const seen = {
      get cols() {
        return term.cols;
      },
      get rows() {
        return term.rows;
      },
      get options() {
        return term.options;
      },
      get buffer() {
        return term.buffer;
      },
      write: (data: string, callback?: () => void) => term.write(data, callback),
      onResize: (listener: (size: { cols: number; rows: number }) => void) => term.onResize(listener),
      attachCustomKeyEventHandler: (handler: (event: KeyboardEvent) => boolean) => term.attachCustomKeyEventHandler(handler),
      onData: (listener: (data: string) => void) => {
        keyListeners.add(listener);
        return { dispose: () => keyListeners.delete(listener) };
      },
    };
    this.readline.activate(seen as unknown as Terminal);
    // A line ending in a backslash continues on the next, as the runbook's curl commands do.
    this.readline.setCheckHandler((text) => !/\\\s*$/.test(text));
    this.readline.setCtrlCHandler(() => void this.interrupt());
    this.history.push(...this.storedHistory());
    this.disposables.push(term.onData((data) => this.key(data)));
    term.write(banner);
    this.read(prompt);
  }

  dispose(): void {
    this.disposed = true;
    for (const disposable of this.disposables) disposable.dispose();
    this.readline.dispose();
  }

  /** Puts a command at the prompt, ready to edit or run with Enter (never runs it). */
  type(command: string): void {
    if (!this.reading || this.search) {
      this.pendingType = command;
      if (this.search) this.endSearch(command, command.length, false);
      return;
    }
    this.setLine(command, command.length);
  }

  /** The line being edited and where the cursor is in it. */
  get line(): { text: string; cursor: number } {
    const text = this.readline.getLine();
    // readline keeps the cursor in its state and has no getter for it; a missing one means the end.
    const pos = (this.readline as unknown as { state?: { line?: { pos?: unknown } } }).state?.line?.pos;
    return { text, cursor: typeof pos === 'number' && pos >= 0 && pos <= text.length ? pos : text.length };
  }

  // ---- keys ---------------------------------------------------------------------------------

  private key(data: string): void {
    if (this.disposed) return;
    if (this.typeAhead) {
      this.typeAhead.push(data);
      return;
    }
    if (this.search) return this.searchKey(data);
    if (this.reading) {
      if (data === '\t') return void this.completeThenReplay();
      if (data === '\x17') return this.eraseWord();
      if (data === '\x12') return this.startSearch();
    }
    this.forward(data);
  }

  private forward(data: string): void {
    for (const listener of this.keyListeners) listener(data);
  }

  /** Once readline has drawn what was asked of it: its writes, and its new read, wait on the terminal's queue. */
  private afterDrawn(action: () => void): void {
    this.term.write('', action);
  }

  private read(text: string): void {
    const count = ++this.readCount;
    this.reading = true;
    void this.readline.read(text).then((line) => {
      if (count === this.readCount && !this.disposed) void this.submit(line);
    });
  }

  /** Replaces the line and puts the cursor at `cursor`. */
  private setLine(text: string, cursor: number): void {
    this.readline.updateLine(text);
    const back = [...text.slice(cursor)].length;
    if (back > 0) this.forward('\x1b[D'.repeat(back));
  }

  /** Ctrl+W: the word before the cursor, and the spaces after it, as bash's unix-word-rubout. */
  private eraseWord(): void {
    const { text, cursor } = this.line;
    const before = text.slice(0, cursor).replace(/\S*\s*$/, '');
    if (before.length === cursor) return;
    this.setLine(before + text.slice(cursor), before.length);
  }

  // ---- Tab ----------------------------------------------------------------------------------

  private async completeThenReplay(): Promise<void> {
    this.typeAhead = [];
    try {
      await this.complete();
    } finally {
      // After the completion is drawn (a listing starts a new read first). Keys keep queueing
      // until then: one arriving before the replay would otherwise jump ahead of those queued.
      this.afterDrawn(() => {
        const typed = this.typeAhead ?? [];
        this.typeAhead = null;
        for (const data of typed) this.key(data);
      });
    }
  }

  private async complete(): Promise<void> {
    const { text, cursor } = this.line;
    if (text.includes('\n')) return;
    let completion: Completion;
    try {
      completion = await this.host.complete(text, cursor);
    } catch {
      this.term.write(bell);
      return;
    }
    // The line changed meanwhile (the drill ended, a runbook command was typed in): that answer is for a line that is gone.
    if (!this.reading || this.search || this.readline.getLine() !== text) return;
    const word = text.slice(completion.from, cursor);
    const matching = completion.candidates.filter((candidate) => candidate.startsWith(word));
    if (matching.length === 0) return this.term.write(bell);
    const common = commonPrefix(matching);
    if (matching.length === 1) {
      const ending = /[=/]$/.test(common) || text.slice(cursor).startsWith(' ') ? '' : ' ';
      return this.insert(text, cursor, common.slice(word.length) + ending);
    }
    if (common.length > word.length) return this.insert(text, cursor, common.slice(word.length));
    // Nothing more is certain: list the choices under the line, then the line again, as bash does.
    this.readline.updateLine(text);
    this.term.write(`\r\n${crlf(this.columns(matching))}\r\n`);
    this.read(prompt);
    this.afterDrawn(() => this.setLine(text, cursor));
  }

  private insert(text: string, cursor: number, added: string): void {
    if (added === '') return;
    this.setLine(text.slice(0, cursor) + added + text.slice(cursor), cursor + added.length);
  }

  private columns(words: readonly string[]): string {
    const width = Math.max(...words.map((word) => word.length)) + 2;
    const perRow = Math.max(1, Math.floor((this.term.cols || 80) / width));
    const rows: string[] = [];
    for (let i = 0; i < words.length; i += perRow) rows.push(words.slice(i, i + perRow).map((word, index, row) => (index === row.length - 1 ? word : word.padEnd(width))).join(''));
    return rows.join('\n');
  }

  // ---- Ctrl+R -------------------------------------------------------------------------------

  private startSearch(): void {
    const { text, cursor } = this.line;
    this.search = { query: '', skip: 0, saved: text, savedPos: cursor };
    this.drawSearch();
  }

  /** The newest history line holding the query, past `skip` others; undefined when none is left. */
  private searchMatch(search: Search): string | undefined {
    if (search.query === '') return undefined;
    let skipped = 0;
    for (let i = this.history.length - 1; i >= 0; i--) {
      const line = this.history[i]!;
      if (!line.includes(search.query)) continue;
      if (skipped++ === search.skip) return line;
    }
    return undefined;
  }

  private drawSearch(): void {
    const search = this.search!;
    const match = this.searchMatch(search);
    const label = match === undefined && search.query !== '' ? 'failed reverse-i-search' : 'reverse-i-search';
    // The search line takes the prompt's place: clear the line, and read again on the same row.
    this.readline.updateLine('');
    this.read(`(${label})\`${search.query}': `);
    this.afterDrawn(() => this.readline.updateLine(match ?? ''));
  }

  private searchKey(data: string): void {
    const search = this.search!;
    if (data === '\x12') {
      search.skip++;
      if (this.searchMatch(search) === undefined) search.skip--;
      return this.drawSearch();
    }
    if (data === '\x7f' || data === '\b') {
      search.query = search.query.slice(0, -1);
      search.skip = 0;
      return this.drawSearch();
    }
    if (data === '\x03' || data === '\x07') return this.endSearch(search.saved, search.savedPos, false);
    const match = this.searchMatch(search) ?? search.saved;
    if (data === '\r') return this.endSearch(match, match.length, true);
    // eslint-disable-next-line no-control-regex -- printable text extends the query; a control key ends the search
    if (!/[\x00-\x1f\x7f]/.test(data)) {
      search.query += data;
      search.skip = 0;
      return this.drawSearch();
    }
    // Any other key takes the match to the prompt and then does what it does there (Esc only the first).
    this.endSearch(match, match.length, false);
    if (data !== '\x1b') this.afterDrawn(() => this.key(data));
  }

  private endSearch(text: string, cursor: number, run: boolean): void {
    this.search = null;
    this.readline.updateLine('');
    this.read(prompt);
    this.afterDrawn(() => {
      this.setLine(text, cursor);
      if (run) this.forward('\r');
    });
  }

  // ---- running lines ------------------------------------------------------------------------

  /** This drill's lines kept in the browser (newest first there): Ctrl+R searches them too. */
  private storedHistory(): string[] {
    return this.kept.load().reverse();
  }

  private async submit(text: string): Promise<void> {
    this.reading = false;
    const commands = commandsOf(text);
    for (const command of commands) if (this.history[this.history.length - 1] !== command) this.history.push(command);
    this.queue.push(...commands);
    while (this.queue.length > 0 && !this.disposed) await this.runOne(this.queue.shift()!);
    if (this.disposed) return;
    this.read(prompt);
    const pending = this.pendingType;
    this.pendingType = null;
    if (pending !== null) this.afterDrawn(() => this.setLine(pending, pending.length));
  }

  private async runOne(command: string): Promise<void> {
    const runId = this.newRunId();
    this.running = { command, runId, interrupted: false };
    this.events.busy(command);
    let printed = '';
    try {
      const result = await this.host.run(command, runId, this.term.cols);
      if (result.stdout) this.term.write(crlf(result.stdout));
      if (result.stderr) this.term.write(`\x1b[31m${crlf(result.stderr)}\x1b[0m`);
      printed = `${result.stdout}${result.stderr}`;
      this.events.ended(printed.trim() || `exit ${result.exitCode}`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.term.write(`\x1b[31m${crlf(message)}\x1b[0m`);
      printed = message;
      this.events.ended(message);
    }
    // Output without a final newline would glue the next prompt to it.
    if (printed !== '' && !printed.endsWith('\n')) this.term.write('\r\n');
    this.running = null;
    this.events.busy(null);
  }

  /** Ctrl+C while a line runs: ask the server to stop it (once it has the line: it may not, the first few ms). */
  private async interrupt(): Promise<void> {
    const running = this.running;
    if (!running || running.interrupted) return;
    running.interrupted = true;
    this.queue.length = 0;
    this.term.write('^C\r\n');
    for (let attempt = 0; attempt < 5 && this.running === running; attempt++) {
      if (await this.host.interrupt(running.runId).catch(() => false)) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
