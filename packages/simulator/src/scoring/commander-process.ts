/**
 * The process a careful incident commander keeps, as the runbook writes it, for the scripted
 * responders: the severity called as the worst the engine has assessed since the page (raised
 * when the incident grows and holds a worse level), the bridge for a P1, the matrix's and the
 * section's escalations (Legal once the losses are significant), updates from the templates
 * with their `[P{X}]`, a Status that fits and "Next update in 15 minutes" kept, and the
 * customer notice for a customer-impacting P1. It reads the picture from the drill's journal,
 * the same `severity.assessed` facts the graders read, so what it does is what they ask.
 */
import { matrixEscalations, type EscalationTarget, type Severity } from '@gameday/scenarios';
import type { Drill } from '../drill/drill';
import type { DeclarationIntent, Move } from './ideal-responders';
import { assessmentTimeline, incidentSeverity, rank, samplesBetween, worseOf, worstBetween } from './severity-timeline';

/** The worst severity the engine has assessed since `fromMs` (the one standing then included): what a careful responder calls. */
export function worstAssessedSince(drill: Drill, fromMs: number): Severity {
  // The fact log, not the ring: a flood of requests may have pushed the assessments out of the ring.
  return worstBetween(assessmentTimeline(drill.journal.facts()), fromMs, drill.clock.now())?.severity ?? 'P4';
}

/** The template's cadence: each update promises the next in 15 minutes and keeps it. */
export const updateEveryMinutes = 15;

/** The customer notices' cadence: "updates every 30 minutes". */
const customerEveryMinutes = 30;

const minutesSince = (nowMs: number, pageMs: number) => Math.max(1, Math.round((nowMs - pageMs) / 60_000));

export interface ProcessOptions {
  /** The severity declared for the one the picture calls for (a ladder strategy may call it wrong on purpose). */
  severity?: (called: Severity) => Severity;
}

export class CommanderProcess {
  /** What the picture called for when last looked at (null: not yet opened). */
  called: Severity | null = null;
  /** What was declared (the same unless a strategy calls it wrong). */
  declared: Severity | null = null;
  private bridged = false;
  private readonly escalated = new Set<EscalationTarget>();
  private noticeSent = false;
  private lastCustomerMs: number | null = null;
  private lastUpdateMs: number | null = null;
  private changed = false;
  private closed = false;

  constructor(private readonly options: ProcessOptions = {}) {}

  /** Whether the commander opened the incident (and so keeps its process until it closes it). */
  get open(): boolean {
    return this.called !== null && !this.closed;
  }

  /** Notes a step's moves: a change makes the Status "Mitigating" rather than "Investigating". */
  noteMoves(moves: readonly Move[]): void {
    if (moves.some((move) => !['read', 'stake-status', 'acknowledge', 'severity', 'bridge', 'comms', 'escalate', 'declare-resolved'].includes(move.kind))) this.changed = true;
  }

  /** Acknowledge the page, call the severity the picture shows since it, join the bridge for a P1. */
  opening(drill: Drill, pageMs: number): DeclarationIntent[] {
    const called = worstAssessedSince(drill, pageMs);
    this.called = called;
    this.declared = this.options.severity ? this.options.severity(called) : called;
    const moves: DeclarationIntent[] = [{ kind: 'acknowledge' }, { kind: 'severity', severity: this.declared }];
    if (called === 'P1') {
      moves.push({ kind: 'bridge' });
      this.bridged = true;
    }
    return moves;
  }

  /** The initial alert, then what the matrix asks now (escalations, the customer notice). */
  announce(drill: Drill, pageMs: number): DeclarationIntent[] {
    if (this.declared === null) return [];
    const title = drill.scenario.title;
    const nowMs = drill.clock.now();
    this.lastUpdateMs = nowMs;
    const initial: DeclarationIntent = {
      kind: 'comms',
      template: 'initial-alert',
      channel: this.channel(),
      text: `🚨 [${this.declared}] Speculation Incident - ${title}\n\n**Status:** Investigating\n**Impact:** as the dashboard shows since the page\n**Incident Lead:** @on-call${this.bridged ? '\n**Bridge:** the incident bridge' : ''}\n\nNext update in ${updateEveryMinutes} minutes.`,
    };
    return [initial, ...this.matrix(drill, pageMs)];
  }

  /**
   * What the runbook asks at this moment: the call raised when the incident grew and held a
   * worse level, the escalations and the customer notice that level asks for, an update when
   * the last one's promise comes due.
   */
  keep(drill: Drill, pageMs: number): DeclarationIntent[] {
    if (!this.open) return [];
    const nowMs = drill.clock.now();
    const moves: DeclarationIntent[] = [];
    const level = incidentSeverity(assessmentTimeline(drill.journal.facts()), pageMs, nowMs);
    const raised = worseOf(this.called, level)!;
    let update = this.lastUpdateMs !== null && nowMs - this.lastUpdateMs >= updateEveryMinutes * 60_000;
    if (rank(raised) < rank(this.called!)) {
      this.called = raised;
      const declared = this.options.severity ? this.options.severity(raised) : raised;
      if (declared !== this.declared) {
        this.declared = declared;
        moves.push({ kind: 'severity', severity: declared });
        update = true;
      }
      if (raised === 'P1' && !this.bridged) {
        moves.push({ kind: 'bridge' });
        this.bridged = true;
      }
    }
    moves.push(...this.matrix(drill, pageMs));
    if (update) moves.push(this.update(drill, pageMs));
    // The customer notice promised updates every 30 minutes.
    if (this.lastCustomerMs !== null && nowMs - this.lastCustomerMs >= customerEveryMinutes * 60_000) {
      this.lastCustomerMs = nowMs;
      moves.push({
        kind: 'comms',
        template: 'customer-update',
        channel: 'customers',
        text: `Subject: [Update] AgenC Speculation Service Degradation\n\nWe are working on the issue affecting speculative task execution.\n\nNext update in ${customerEveryMinutes} minutes or upon resolution.`,
      });
    }
    return moves;
  }

  /** The resolution update (and the customer resolution when customers were told), then resolved. */
  close(drill: Drill, pageMs: number | null): DeclarationIntent[] {
    this.closed = true;
    const tag = this.declared ?? 'P2';
    const duration = pageMs === null ? 'the whole drill' : `${minutesSince(drill.clock.now(), pageMs)} minutes`;
    const moves: DeclarationIntent[] = [
      { kind: 'comms', template: 'resolution', channel: this.channel(), text: `✅ [${tag}] Speculation Incident Resolved\n\n**Duration:** ${duration}\n**Resolution:** the cause fixed and the service back at its normal settings, watched\n\n**Action Items:**\n- [ ] Post-mortem scheduled` },
    ];
    if (this.noticeSent) moves.push({ kind: 'comms', template: 'customer-resolution', channel: 'customers', text: `Subject: [Resolved] AgenC Speculation Service Degradation\n\nThe issue affecting speculative task execution has been resolved.\n\nDuration: ${duration}\n\nAll services are now operating normally. We apologize for any inconvenience.` });
    moves.push({ kind: 'declare-resolved' });
    return moves;
  }

  /** The P1 announcement goes to #incidents; a P2's initial assessment to #platform-alerts. */
  private channel(): '#incidents' | '#platform-alerts' {
    return this.called === 'P1' ? '#incidents' : '#platform-alerts';
  }

  private update(drill: Drill, pageMs: number): DeclarationIntent {
    const nowMs = drill.clock.now();
    this.lastUpdateMs = nowMs;
    // Mitigated is not understood: the cause may still be under investigation, so "Monitoring", never "Resolved".
    const status = ['mitigated', 'recovered'].includes(drill.phase()) ? 'Monitoring' : this.changed ? 'Mitigating' : 'Investigating';
    return {
      kind: 'comms',
      template: 'update',
      channel: this.channel(),
      text: `🔄 [${this.declared}] Speculation Incident Update\n\n**Status:** ${status}\n**Duration:** ${minutesSince(nowMs, pageMs)} minutes\n**Impact:** as the dashboard shows\n\nNext update in ${updateEveryMinutes} minutes.`,
    };
  }

  /** The escalations and the customer notice the picture since the page asks for, not yet made. */
  private matrix(drill: Drill, pageMs: number): DeclarationIntent[] {
    const nowMs = drill.clock.now();
    const timeline = assessmentTimeline(drill.journal.facts());
    const seen = samplesBetween(timeline, pageMs, nowMs);
    const level = incidentSeverity(timeline, pageMs, nowMs);
    const spec = drill.scenario.spec;
    const targets: EscalationTarget[] = [...(spec?.escalateTo ?? []), ...(level === null ? [] : matrixEscalations(level))];
    // The matrix's "significant financial impact": Legal joins.
    if (seen.some((sample) => sample.significantLoss === true)) targets.push('legal');
    const moves: DeclarationIntent[] = [];
    for (const to of targets) {
      if (this.escalated.has(to)) continue;
      this.escalated.add(to);
      moves.push({ kind: 'escalate', to });
    }
    if (!this.noticeSent && level === 'P1' && seen.some((sample) => sample.customerImpact === true)) {
      this.noticeSent = true;
      this.lastCustomerMs = nowMs;
      moves.push({
        kind: 'comms',
        template: 'customer-initial',
        channel: 'customers',
        text: 'Subject: [Investigating] AgenC Speculation Service Degradation\n\nWe are currently investigating an issue affecting speculative task execution.\nSome transactions may experience delays or failures.\n\nWe are actively working to resolve this and will provide updates every 30 minutes.\n\nStatus page: https://status.agenc.io',
      });
    }
    return moves;
  }
}
