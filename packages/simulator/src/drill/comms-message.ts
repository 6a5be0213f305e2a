/**
 * What a posted message says that the runbook's templates ask for: the `[P{X}]` it carries, its
 * Status word, and when it promises the next update. Read once, when it is posted, and journaled
 * with the post, so comms are graded on what was said without the journal keeping every text.
 */
import type { CommsTemplate } from './trainee-session';

/** The Status words of the runbook's update template ("Identified" from the customer update's "we have identified"). */
export const statusWords = ['Investigating', 'Identified', 'Mitigating', 'Monitoring', 'Resolved'] as const;
export type StatusWord = (typeof statusWords)[number];

export interface MessageFacts {
  /** The severity in its `[P{X}]` (or the escalation e-mail's `P{X}`), null when it names none. */
  severityTag: 'P1' | 'P2' | 'P3' | 'P4' | null;
  /** Its Status word (the update template's `**Status:**`, a customer notice's `[Investigating]`), null when it claims none. */
  status: StatusWord | null;
  /** "Next update in N minutes" (a customer notice's "updates every N minutes"), null when it promises none. */
  nextUpdateMinutes: number | null;
}

const wordOf = (word: string | undefined): StatusWord | null => statusWords.find((status) => status.toLowerCase() === word?.toLowerCase()) ?? null;

export function readMessage(template: CommsTemplate, text: string): MessageFacts {
  const tag = /\[(P[1-4])\]/.exec(text) ?? (template === 'escalation-email' ? /\b(P[1-4])\b/.exec(text) : null);
  // The resolution templates' heading says it: "Speculation Incident Resolved", "Subject: [Resolved]".
  const stated = /\bStatus:?\**:?\s*\**\s*\[?([A-Za-z]+)/i.exec(text) ?? /^\s*Subject:\s*\[([A-Za-z]+)\]/im.exec(text);
  const status = wordOf(stated?.[1]) ?? (template === 'resolution' || template === 'customer-resolution' ? 'Resolved' : null);
  const next = /next update in (\d{1,4}) ?min/i.exec(text) ?? /updates every (\d{1,4}) ?min/i.exec(text);
  return { severityTag: (tag?.[1] as MessageFacts['severityTag'] | undefined) ?? null, status, nextUpdateMinutes: next ? Number(next[1]) : null };
}
