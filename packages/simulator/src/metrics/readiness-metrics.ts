/**
 * Drill outcomes as Prometheus metrics, so a team can chart its readiness in Grafana:
 * time-to-acknowledge and time-to-mitigate histograms by scenario and team, and finished drills.
 * A registry of its own, beside the service metrics of the running drill.
 */
import { Counter, Histogram, Registry } from 'prom-client';
import type { FinishedDrill } from '../storage/drill-store';

const buckets = [60, 120, 300, 600, 900, 1800, 3600, 7200];

export interface ReadinessMetrics {
  registry: Registry;
  observe(drill: FinishedDrill): void;
}

export function createReadinessMetrics(): ReadinessMetrics {
  const registry = new Registry();
  const labelNames = ['scenario', 'team'];
  const tta = new Histogram({ name: 'gameday_drill_time_to_acknowledge_seconds', help: 'Simulated seconds from the page to its acknowledgement, per finished drill.', labelNames, buckets, registers: [registry] });
  const ttm = new Histogram({ name: 'gameday_drill_time_to_mitigate_seconds', help: 'Simulated seconds from the page to the mitigated condition, per finished drill.', labelNames, buckets, registers: [registry] });
  const finished = new Counter({ name: 'gameday_drills_finished_total', help: 'Drills finished (declared resolved, or ended by a game-day facilitator), by scenario, team and whether they were ranked.', labelNames: [...labelNames, 'ranked'], registers: [registry] });
  return {
    registry,
    observe(drill) {
      const labels = { scenario: drill.scenario, team: drill.team };
      if (drill.score.ttaMs !== null) tta.observe(labels, drill.score.ttaMs / 1000);
      if (drill.score.ttmMs !== null) ttm.observe(labels, drill.score.ttmMs / 1000);
      finished.inc({ ...labels, ranked: String(drill.ranked) });
    },
  };
}
