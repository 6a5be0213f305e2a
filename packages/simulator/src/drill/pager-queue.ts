/**
 * What the responder's pager holds: every firing alert, in the order the pager shows them. The
 * pager view shows the first, and Acknowledge acknowledges that same one: one order for both, so
 * a trainee never acknowledges an alert other than the one in front of them.
 *
 * The order is what a paging service's would be, from what the responder can see of each alert:
 * what still waits for an acknowledgement first, then critical before warning (urgency), then the
 * alert firing longest. Whether an alert is the running incident's own page is never part of it:
 * that would tell the trainee which alert matters. A critical page that fires while a platform
 * warning has been ringing unanswered is shown (and acknowledged) first, as a pager would.
 */
import type { AlertState } from '../world/alerts';
import type { Drill } from './drill';

/** When the trainee acknowledged this alert (the incident's page once, any other alert once each), or null. */
export function acknowledgedAt(drill: Drill, name: string, pages: ReadonlySet<string> = new Set(drill.pageAlerts())): number | null {
  const trainee = drill.trainee;
  return pages.has(name) ? (trainee.acknowledged?.simMs ?? null) : (trainee.acknowledgedOthers.get(name) ?? null);
}

/** The firing alerts in pager order (see above); the first is the one the pager shows. */
export function pagerQueue(drill: Drill, alerts: readonly AlertState[] = drill.world.alertStates()): AlertState[] {
  const pages = new Set(drill.pageAlerts());
  const waiting = (alert: AlertState) => (acknowledgedAt(drill, alert.name, pages) === null ? 0 : 1);
  const urgency = (alert: AlertState) => (alert.severity === 'critical' ? 0 : 1);
  return alerts
    .filter((alert) => alert.state === 'firing')
    .sort((a, b) => waiting(a) - waiting(b) || urgency(a) - urgency(b) || (a.firedAtMs ?? 0) - (b.firedAtMs ?? 0));
}
