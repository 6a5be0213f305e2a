/**
 * The terminal's line discipline: what a shell's readline does for typed and pasted input.
 * Characters are echoed; Enter submits, unless the line ends in a backslash (the runbook's
 * multi-line curl commands), which continues on a "> " line; Backspace, Ctrl-C, Ctrl-L and
 * history (up/down) work. Pure: it returns what to echo and what was submitted.
 */
export const prompt = '$ ';
const continuationPrompt = '> ';

export interface FeedResult {
  echo: string;
  submitted: string[];
  clear: boolean;
}

export class LineEditor {
  private line = '';
  private pending: string[] = [];
  private readonly history: string[] = [];
  private historyIndex = 0;

  feed(data: string): FeedResult {
    let echo = '';
    const submitted: string[] = [];
    let clear = false;
    for (let i = 0; i < data.length; i++) {
      const char = data[i]!;
      if (char === '\x1b' && data[i + 1] === '[') {
        const code = data[i + 2];
        i += 2;
        if (code === 'A' || code === 'B') echo += this.browse(code === 'A' ? -1 : 1);
        continue;
      }
      if (char === '\r' || char === '\n') {
        if (char === '\r' && data[i + 1] === '\n') i++;
        if (this.line.endsWith('\\')) {
          this.pending.push(this.line);
          this.line = '';
          echo += `\r\n${continuationPrompt}`;
          continue;
        }
        const command = [...this.pending, this.line].join('\n');
        this.pending = [];
        this.line = '';
        echo += '\r\n';
        if (command.trim() !== '') {
          submitted.push(command);
          if (this.history[this.history.length - 1] !== command) this.history.push(command);
        } else echo += prompt;
        this.historyIndex = this.history.length;
        continue;
      }
      if (char === '\x7f' || char === '\b') {
        if (this.line.length > 0) {
          this.line = this.line.slice(0, -1);
          echo += '\b \b';
        }
        continue;
      }
      if (char === '\x03') {
        this.line = '';
        this.pending = [];
        echo += `^C\r\n${prompt}`;
        continue;
      }
      if (char === '\x0c') {
        clear = true;
        continue;
      }
      if (char >= ' ' || char === '\t') {
        this.line += char;
        echo += char;
      }
    }
    return { echo, submitted, clear };
  }

  /** The line as typed so far, after the prompt (to redraw it after a clear). */
  get current(): string {
    return this.line;
  }

  private browse(step: number): string {
    if (this.history.length === 0) return '';
    this.historyIndex = Math.max(0, Math.min(this.history.length, this.historyIndex + step));
    this.line = this.history[this.historyIndex] ?? '';
    // Only the first line of a multi-line command is recalled as editable text.
    if (this.line.includes('\n')) this.line = this.line.replace(/\\?\n\s*/g, ' ');
    return `\r\x1b[K${prompt}${this.line}`;
  }
}
