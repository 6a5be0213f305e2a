/**
 * What the people a responder escalated to, and the bridge, have said so far: the scripted
 * replies (`incident-people.ts` in the scenarios, with each running incident's own lines), read
 * from the responder's actions at their simulated moments. Derived, never stored: the same
 * seed and the same actions at the same moments give the same replies at the same moments.
 */
import { scriptedReplies, type EscalationTarget } from '@gameday/scenarios';
import type { Drill } from './drill';
import type { ChannelMessageEntry } from './outside-reports';

export function peopleReplies(drill: Drill): ChannelMessageEntry[] {
  const trainee = drill.trainee;
  // The incident's page, not a platform warning that fired before it: "minutes after the page" counts from it.
  const pages = new Set(drill.pageAlerts());
  const page = drill.journal.facts().find((entry) => entry.source === 'world' && entry.action === 'alert.firing' && pages.has(String(entry.detail?.alert)));
  // The scenario's own lines win over an injected fault's.
  const lines: Partial<Record<EscalationTarget, string>> = {};
  for (const spec of [...drill.faults.map((fault) => fault.scenario.spec), drill.scenario.spec]) Object.assign(lines, spec?.people ?? {});
  const replies = scriptedReplies({
    seed: drill.options.seed,
    responder: trainee.name,
    pagedAtMs: page?.simMs ?? null,
    escalations: trainee.escalations,
    severities: trainee.severities,
    bridgeJoinedMs: trainee.bridgeJoinedMs,
    bridgeLines: trainee.bridgeLines.map((line) => ({ simMs: line.simMs, ...(line.by === undefined ? {} : { by: line.by }) })),
    // A P1's updates go to #incidents, a P2's to #platform-alerts: either is an update.
    updatesMs: trainee.posts.filter((post) => post.channel === '#incidents' || post.channel === '#platform-alerts').map((post) => post.simMs),
    resolvedMs: trainee.resolvedMs,
    lines,
    nowMs: drill.clock.now(),
  });
  return replies.map((reply) => ({ at: drill.simDate(reply.simMs).toISOString(), channel: reply.channel, from: reply.from, text: reply.text }));
}
