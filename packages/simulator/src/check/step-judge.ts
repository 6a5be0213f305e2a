/**
 * Judges one runbook step from what it did: its exit status, what it printed on stderr, and
 * the journal entries its requests left. A request the service rejected is a failure even when
 * the command exited 0 (curl does, on a 401). The reason is one line a person can act on.
 */
import type { JournalEntry } from '../journal/journal';

export interface StepVerdict {
  passed: boolean;
  reason?: string;
}

/** The first clause of a service message: `unknown config key "x" (did you mean "y"?)`. */
function firstClause(message: string): string {
  const cut = message.indexOf('; ');
  return cut < 0 ? message : message.slice(0, cut);
}

function kubeReason(entry: JournalEntry): string {
  const message = typeof entry.detail?.message === 'string' ? entry.detail.message : `HTTP ${entry.status}`;
  const notFound = /^(\w+?)s?(?:\.[\w.]+)? "([^"]+)" not found$/.exec(message);
  const path = typeof entry.detail?.path === 'string' ? entry.detail.path : '';
  const namespace = /\/namespaces\/([^/]+)/.exec(path)?.[1];
  if (notFound) return `${notFound[1]} "${notFound[2]}" not found${namespace && notFound[1] !== 'namespace' ? ` in namespace ${namespace}` : ''}`;
  return message;
}

/** Why an entry counts against the step, or undefined when it does not. */
export function entryProblem(entry: JournalEntry): string | undefined {
  if (entry.source === 'kube') {
    if (entry.outcome === 'rejected') return kubeReason(entry);
    if (typeof entry.detail?.missingNamespace === 'string') return `namespace "${entry.detail.missingNamespace}" not found (the list came back empty)`;
    return undefined;
  }
  if (entry.outcome !== 'rejected') return undefined;
  const message = typeof entry.detail?.message === 'string' ? firstClause(entry.detail.message) : 'rejected';
  return `${entry.status ?? ''}: ${message}`.replace(/^: /, '');
}

/**
 * What a failing command said: its first line naming an error (with a "did you mean" hint
 * after it, as commander gives), else its last line that says anything.
 */
function errorLine(stderr: string): string | undefined {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('(add --help'));
  const index = lines.findIndex((line) => /\berror\b/i.test(line));
  if (index < 0) return lines[lines.length - 1];
  const hint = lines[index + 1]?.startsWith('(Did you mean') ? ` ${lines[index + 1]}` : '';
  return `${lines[index]}${hint}`;
}

export function judgeStep(exitCode: number | null, stderr: string, entries: readonly JournalEntry[]): StepVerdict {
  for (const entry of entries) {
    const problem = entryProblem(entry);
    if (problem !== undefined) return { passed: false, reason: problem };
  }
  if (exitCode === null) return { passed: false, reason: 'timed out' };
  if (exitCode !== 0) {
    const line = errorLine(stderr);
    return { passed: false, reason: `exit ${exitCode}${line ? `: ${line}` : ''}` };
  }
  return { passed: true };
}
