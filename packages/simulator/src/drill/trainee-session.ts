/**
 * What the trainee has done in the drill apart from commands: acknowledged the page, declared
 * a severity (with the impact assessment answers), joined the bridge, posted updates,
 * escalated, declared mitigated and resolved. Every change is made by trainee-actions.ts, which
 * also notes it for the request's journal entry, so the journal stays the record scoring reads;
 * this is the live view of it.
 */
export const channels = ['#incidents', '#platform-alerts', 'customers', 'email'] as const;
export type Channel = (typeof channels)[number];

export const commsTemplates = ['initial-alert', 'update', 'resolution', 'escalation-email', 'customer-initial', 'customer-update', 'customer-resolution'] as const;
export type CommsTemplate = (typeof commsTemplates)[number];

// Who a responder may escalate to is the runbook's, declared with the scenarios.
export { escalationTargets, type EscalationTarget } from '@gameday/scenarios';
import type { EscalationTarget } from '@gameday/scenarios';

/** The runbook's impact assessment guide, as questions the severity form asks. */
export const impactQuestions = [
  { id: 'non-functional', text: 'Is speculation completely non-functional?' },
  { id: 'data-at-risk', text: 'Is user data at risk of corruption?' },
  { id: 'funds-at-risk', text: 'Are transactions failing or funds at risk?' },
  { id: 'auto-protecting', text: 'Is the system auto-protecting (disabled speculation)?' },
  { id: 'over-10-percent', text: 'Are more than 10% of operations affected?' },
  { id: 'workaround', text: 'Is there a workaround?' },
  { id: 'business-hours', text: 'Is it business hours in primary region?' },
] as const;
export type ImpactQuestionId = (typeof impactQuestions)[number]['id'];

export interface SeverityDeclaration {
  severity: 'P1' | 'P2' | 'P3' | 'P4';
  simMs: number;
  answers: Partial<Record<ImpactQuestionId, boolean>>;
}

export interface CommsPost {
  channel: Channel;
  template: CommsTemplate;
  text: string;
  simMs: number;
}

export interface BridgeLine {
  text: string;
  simMs: number;
  by?: string;
}

export class TraineeSession {
  name = 'trainee';
  /** The page: the first of the incident's alerts the trainee acknowledged. */
  acknowledged: { alert: string; simMs: number } | null = null;
  /** Other alerts the trainee acknowledged (a platform warning firing beside the incident), by name: harmless, and not the page. */
  acknowledgedOthers = new Map<string, number>();
  severities: SeverityDeclaration[] = [];
  bridgeJoinedMs: number | null = null;
  /** What was said on the bridge once on it (`by`: who said it, in a game-day): the people there answer. */
  bridgeLines: BridgeLine[] = [];
  posts: CommsPost[] = [];
  /** `by`: who escalated, in a game-day (the trainee otherwise). */
  escalations: Array<{ to: EscalationTarget; simMs: number; by?: string }> = [];
  mitigatedMs: number | null = null;
  resolvedMs: number | null = null;

  get severity(): SeverityDeclaration | null {
    return this.severities[this.severities.length - 1] ?? null;
  }
}
