/** The drill as the control API, the trainer UI and the facilitator see it. */
import type { Readings, ScenarioContext, SeverityAssessment } from '@gameday/scenarios';
import type { AlertState } from '../world/alerts';
import type { Drill } from './drill';
import type { Resolution } from './incident-resolution';
import { worldFingerprint } from './world-fingerprint';

export interface DrillState {
  scenario: { id: string; incident: string | null; title: string };
  /** Incidents injected on top of the scenario, in order. */
  faults: string[];
  phase: string;
  /** Whether the world meets its resolved condition (the cause gone, the service normal for long enough). */
  resolution: Resolution;
  seed: number;
  difficulty: string;
  clock: { mode: string; simMs: number; simTime: string; speed: number; paused: boolean };
  firingAlerts: string[];
  /** The firing alerts that are the running incidents' page (a platform warning beside them is not): what the scorer takes for the page. */
  paging: string[];
  /** The severity the runbook expects now, from the severity engine, with its reasons. */
  expectedSeverity: SeverityAssessment;
  /** The severity this variant reaches at its peak (null for the baseline). */
  peakSeverity: SeverityAssessment | null;
  alerts: AlertState[];
  readings: Readings;
  config: Record<string, boolean | number | string>;
  harmfulActions: Array<{ action: string; why: string; simMs: number }>;
  /** The ring's size and what it evicted; `facts`: scoring facts kept apart from it (never evicted). */
  journal: { size: number; total: number; evicted: number; facts: number };
  /** The world's fingerprint (`world-fingerprint.ts`): equal for a drill and its rebuild from its inputs. */
  fingerprint: string;
}

export function drillState(drill: Drill): DrillState {
  const counters = drill.journal.counters();
  const context = drill.actor.getSnapshot().context as ScenarioContext;
  const readings = drill.world.readings();
  return {
    scenario: { id: drill.scenario.id, incident: drill.scenario.incident, title: drill.scenario.title },
    faults: drill.faults.map((fault) => fault.scenario.id),
    phase: drill.phase(),
    resolution: drill.resolution(),
    seed: drill.options.seed,
    difficulty: drill.options.difficulty,
    clock: { mode: drill.clock.mode, simMs: drill.clock.now(), simTime: drill.simDate().toISOString(), speed: drill.clock.speed, paused: drill.clock.isPaused },
    firingAlerts: drill.world.alerts.firing(),
    paging: drill.pagingNow(),
    expectedSeverity: drill.severityAssessment(),
    peakSeverity: context.expected,
    alerts: drill.world.alertStates(),
    readings,
    config: { ...drill.world.config },
    harmfulActions: drill.harmfulActions(),
    journal: { size: drill.journal.size, total: counters.total, evicted: counters.evicted, facts: counters.facts },
    fingerprint: worldFingerprint(drill),
  };
}
