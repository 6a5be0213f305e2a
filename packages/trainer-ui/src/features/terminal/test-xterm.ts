/**
 * A terminal for component tests: records what is written, lets the test type, and answers
 * what xterm-readline asks of a terminal (size, cursor row). Writes complete at once.
 */
import type { TerminalLike } from './terminal-panel';

/** `type` sends key by key, as typing does; `paste` sends the text as one chunk, as a paste does. */
export function fakeXterm(): { terminal: TerminalLike & { cols: number }; type: (data: string) => void; paste: (data: string) => void; output: () => string; clearOutput: () => void; fits: () => number } {
  let listener: (data: string) => void = () => undefined;
  let written: string[] = [];
  let fits = 0;
  const terminal: TerminalLike & { cols: number } = {
    cols: 120,
    rows: 24,
    options: { tabStopWidth: 8 },
    buffer: { active: { cursorY: 0 } },
    open: () => undefined,
    write: (data, callback) => {
      written.push(data);
      callback?.();
    },
    onData: (next) => {
      listener = next;
      return { dispose: () => undefined };
    },
    onResize: () => ({ dispose: () => undefined }),
    attachCustomKeyEventHandler: () => undefined,
    focus: () => undefined,
    dispose: () => undefined,
    fit: () => {
      fits += 1;
    },
  };
  return {
    terminal,
    type: (data) => {
      // An escape sequence is one key; anything else one character at a time.
      for (const key of data.match(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z~]|[\\s\\S]`, 'g')) ?? []) listener(key);
    },
    paste: (data) => listener(data),
    output: () => written.join(''),
    clearOutput: () => {
      written = [];
    },
    fits: () => fits,
  };
}
