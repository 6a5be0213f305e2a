/**
 * The terminal's command history in the browser's storage: one drill's lines under that drill's
 * key, so history never outlives its drill, and never a line holding a secret. xterm-readline
 * would keep every line under one global `history` key; the session hands it this store instead.
 */
const prefix = 'gameday.history.';
/** Where xterm-readline keeps history on its own: never used, and emptied of what older pages left. */
const readlineKey = 'history';

/** A literal bearer token (`Bearer $ADMIN_TOKEN` names a variable and is kept) or an assignment to a *TOKEN variable. */
const secret = /\bbearer\s+(?!\$\{?[A-Za-z_][A-Za-z0-9_]*\}?(?:["'\s]|$))\S{8,}|\b[A-Za-z0-9_]*TOKEN=/i;

/** Whether a line may be written to storage: not when it holds a token. */
export function storable(line: string): boolean {
  return !secret.test(line);
}

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export class CommandHistory {
  private readonly key: string;

  /**
   * Opens a drill's history. A new drill in this browser drops every other drill's history (and
   * readline's global one): a finished drill's lines are not carried into the next.
   */
  constructor(drill: string) {
    this.key = `${prefix}${drill}`;
    const store = storage();
    if (!store) return;
    const stale: string[] = [readlineKey];
    for (let i = 0; i < store.length; i++) {
      const key = store.key(i);
      if (key !== null && key.startsWith(prefix) && key !== this.key) stale.push(key);
    }
    for (const key of stale) store.removeItem(key);
  }

  /** This drill's lines, newest first (readline's order). */
  load(): string[] {
    try {
      const stored: unknown = JSON.parse(storage()?.getItem(this.key) ?? '[]');
      return Array.isArray(stored) ? stored.filter((line): line is string => typeof line === 'string' && storable(line)) : [];
    } catch {
      return [];
    }
  }

  /** Keeps this drill's lines, newest first, leaving out any holding a token. */
  save(lines: readonly string[]): void {
    storage()?.setItem(this.key, JSON.stringify(lines.filter(storable)));
  }
}
