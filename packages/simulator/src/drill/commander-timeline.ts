/**
 * The drill's timeline as an incident commander reads it: one entry per command typed or action
 * taken, named by the person who did it. The journal keeps every request; here the requests a
 * terminal line made (kubectl's discovery and its call, agenc's, curl's) are folded into the
 * line, the requests one kubectl command made from someone's own shell (one `Kubectl-Session`)
 * are one entry, and a line the terminal refused stays in the journal only.
 */
import { detailText, type JournalEntry } from '../journal/journal';

/** What a line typed in the terminal reads as: its first line, continuation lines joined. */
export const typedLine = (command: string) => command.replace(/\\\r?\n\s*/g, ' ').split('\n')[0]!;

/** A line the terminal refused: nothing ran, so it is no step of the incident. */
export const isRefusedLine = (entry: JournalEntry) => entry.source === 'ui' && entry.detail?.refused === true;

const requestSources = new Set<JournalEntry['source']>(['kube', 'agenc', 'admin', 'metrics', 'other']);

/**
 * The sequence numbers of the requests each terminal line made: by the line's user, after the
 * line started and before its own entry (which is recorded when it answers).
 */
export function foldedIntoLines(entries: readonly JournalEntry[]): Set<number> {
  const folded = new Set<number>();
  const lines = entries.filter((entry) => entry.source === 'ui' && typeof entry.detail?.sinceSeq === 'number');
  if (lines.length === 0) return folded;
  for (const line of lines) {
    const since = line.detail!.sinceSeq as number;
    for (const entry of entries) {
      if (entry.seq > since && entry.seq < line.seq && requestSources.has(entry.source) && entry.actor === line.actor) folded.add(entry.seq);
    }
  }
  return folded;
}

/** kubectl's discovery: what the server is and serves, asked before (or instead of) the command's own request. */
const discovery = /^\/(?:version|api|apis|api\/v1|apis\/[^/]+\/[^/]+|openapi(?:\/.*)?)$/;

export interface CommanderStep {
  /** The first entry of the step: its moment. */
  entry: JournalEntry;
  what: string;
}

function requestStep(entry: JournalEntry): string {
  return `${entry.outcome === 'rejected' ? '✗ ' : ''}${entry.action}${entry.status && entry.status >= 400 && entry.status !== 499 ? ` (${entry.status})` : ''}`;
}

/**
 * The steps people took, in order: terminal lines (with what they asked of the service folded
 * in), kubectl commands from a shell, other requests, UI actions, as `describe` names them;
 * null from `describe` leaves an entry out.
 */
export function commanderSteps(entries: readonly JournalEntry[], describe: (entry: JournalEntry) => string | undefined): CommanderStep[] {
  const folded = foldedIntoLines(entries);
  const steps: CommanderStep[] = [];
  const kubectlCommands = new Map<string, CommanderStep>();
  for (const entry of entries) {
    if (folded.has(entry.seq) || isRefusedLine(entry)) continue;
    const session = entry.source === 'kube' ? entry.detail?.kubectlSession : undefined;
    // Discovery on its own (a client's first look, before any command) is nobody's step.
    if (entry.source === 'kube' && session === undefined && discovery.test(detailText(entry.detail?.path))) continue;
    if (typeof session === 'string') {
      const key = `${entry.actor ?? ''}\n${session}`;
      const command = kubectlCommands.get(key);
      const path = detailText(entry.detail?.path);
      if (command) {
        // Discovery says nothing; the command's own request says what it was about.
        if (!discovery.test(path) && command.what === entry.action) command.what = `${requestStep(entry)} ${path}`;
        else if (entry.outcome === 'rejected' && !command.what.startsWith('✗')) command.what = `✗ ${command.what}`;
        continue;
      }
      const step = { entry, what: discovery.test(path) ? entry.action : `${requestStep(entry)} ${path}` };
      kubectlCommands.set(key, step);
      steps.push(step);
      continue;
    }
    const what = describe(entry);
    if (what !== undefined) steps.push({ entry, what });
  }
  return steps;
}

/** How a request the service answered reads in a timeline. */
export { requestStep };
