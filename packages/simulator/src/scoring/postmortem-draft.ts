/**
 * The runbook's post-mortem template, filled from a finished drill: the timeline table,
 * TTD/TTM/TTR, the impact figures from the simulation and its counterfactual runs, the cause the
 * scenario declared (the drill is over, so it may be said), contributing factors, what went well
 * and poorly, action items and the actions taken. What only the team can write (reviewers, the
 * deeper whys, luck, lessons) stays a prompt, marked as one for the team.
 */
import { alertNames, findScenario } from '@gameday/scenarios';
import { detailText } from '../journal/journal';
import { isDeclaration, isDrillEvent, isServiceWrite } from '../journal/scoring-facts';
import type { FinishedDrill } from '../storage/drill-store';
import { debriefOf, judgedSpecOf } from './drill-debrief';
import type { ScoreDimension } from './drill-scorer';

const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
/** Two weeks after the drill: a practice item's due date. */
const dueDate = (finishedAt: string) => new Date(Date.parse(finishedAt) + 14 * 86_400_000).toISOString().slice(0, 10);
const minutes = (ms: number | null) => {
  if (ms === null) return 'not reached';
  const whole = Math.round(ms / 60_000);
  return `${whole} minute${whole === 1 ? '' : 's'}`;
};
const thousands = (value: number) => value.toLocaleString('en-US');

/** What a mitigation changed, as the timeline says it: a scale's replicas, a rollout's revision (and image), or nothing more. */
export function mitigationTarget(detail: Record<string, unknown>): string {
  if (detail.deployment === undefined) return '';
  const deployment = detailText(detail.deployment);
  if (detail.toRevision !== undefined) {
    const image = detail.image !== undefined ? `, ${detailText(detail.image)}` : '';
    return ` (${deployment} ${detail.rolledBack === true ? 'back ' : ''}to revision ${detailText(detail.toRevision)}${image})`;
  }
  return detail.replicas !== undefined ? ` (${deployment} to ${detailText(detail.replicas)} replicas)` : ` (${deployment})`;
}

/**
 * Whether a scored dimension went well: its own points were full. A step done right keeps that
 * when the outcome's share scaled its points down (a perfect acknowledgement in a response whose
 * outcome earned 80%): the shortfall is the outcome's, listed with the outcome.
 */
const doneWell = (dimension: ScoreDimension) => (dimension.beforeOutcomeShare ?? dimension.points) >= dimension.max;

/** A section only people can write: marked so, never passed off as the drill's own words. */
export const teamPromptMark = '✍ For the team:';
const forTheTeam = (prompt: string) => `*${teamPromptMark} ${prompt}*`;

export function postmortemDraft(finished: FinishedDrill): string {
  const debrief = debriefOf(finished);
  const scenario = findScenario(finished.scenario);
  const journal = finished.journal;
  const started = journal.find((entry) => isDrillEvent(entry, 'drill.started'));
  // The drill's own calendar (simulated 0 is its epoch): the times and date the responder saw on
  // the pager, the dashboard and the timeline, not the wall time the drill was played at. A drill
  // stored before its start noted the epoch falls back to wall time.
  const epoch = typeof started?.detail?.epochMs === 'number' ? started.detail.epochMs : started ? started.wallMs - started.simMs : Date.parse(finished.finishedAt) - finished.durationMs;
  const at = (simMs: number) => hhmm(epoch + simMs);
  // The incident's page, as the scorer reads it: a platform warning firing beside it is not.
  const judged = judgedSpecOf(finished);
  const pages = judged ? alertNames(judged) : null;
  const page = journal.find((entry) => isDrillEvent(entry, 'alert.firing') && (pages === null || pages.includes(String(entry.detail?.alert))));
  const score = debrief.score;
  const title = `${scenario?.incident ?? 'Drill'} ${scenario?.title ?? finished.scenario} (game-day drill)`;
  const firstOf = (predicate: (entry: (typeof journal)[number]) => boolean) => journal.find(predicate);
  const ack = firstOf((entry) => isDeclaration(entry, '/trainer/acknowledge'));
  const bridge = firstOf((entry) => isDeclaration(entry, '/trainer/bridge'));
  const mitigated = firstOf((entry) => isDrillEvent(entry, 'phase') && ['mitigated', 'recovered'].includes(String(entry.detail?.to)));
  const resolved = firstOf((entry) => isDeclaration(entry, '/trainer/declare') && entry.detail?.state === 'resolved');
  const severity = [...journal].reverse().find((entry) => isDeclaration(entry, '/trainer/severity'))?.detail?.severity;
  const mitigation = journal.filter(isServiceWrite);

  const timeline: Array<[number, string]> = [];
  if (page) timeline.push([page.simMs, `Alert fired: ${String(page.detail?.alert)}`]);
  if (ack) timeline.push([ack.simMs, 'On-call acknowledged']);
  if (bridge) timeline.push([bridge.simMs, 'Incident bridge opened']);
  for (const entry of mitigation) timeline.push([entry.simMs, `Mitigation applied: ${entry.action}${entry.detail?.changes ? ` ${JSON.stringify(entry.detail.changes)}` : ''}${mitigationTarget(entry.detail ?? {})}`]);
  if (mitigated) timeline.push([mitigated.simMs, 'Service recovered (mitigated condition met)']);
  // What others did (a deploy, a config change, a message) and when the world met its resolved condition.
  for (const entry of journal) {
    if (entry.source !== 'world') continue;
    if (entry.action === 'outside.deploy') timeline.push([entry.simMs, `Deploy by ${detailText(entry.detail?.by)}: ${detailText(entry.detail?.deployment)} ${detailText(entry.detail?.image)}`]);
    else if (entry.action === 'outside.config') timeline.push([entry.simMs, `Config change by ${detailText(entry.detail?.by)}: ${JSON.stringify(entry.detail?.changes ?? {})}`]);
    else if (entry.action === 'outside.message') timeline.push([entry.simMs, `Message in ${detailText(entry.detail?.channel)} from ${detailText(entry.detail?.from)}`]);
    else if (isDrillEvent(entry, 'incident.resolved')) timeline.push([entry.simMs, 'Service restored (resolved condition met)']);
  }
  if (resolved) timeline.push([resolved.simMs, 'Incident resolved']);
  timeline.sort((a, b) => a[0] - b[0]);

  const impact = finished.impact;
  const cause = scenario?.spec?.cause;
  const outcome = score.outcome;
  const alertsFired = [...new Set(journal.filter((entry) => isDrillEvent(entry, 'alert.firing')).map((entry) => String(entry.detail?.alert)))];
  const dimensions = score.dimensions;
  const contributing = [
    ...debrief.harmful.map((harm) => `A harmful action during the response: \`${harm.action}\` (${harm.why})`),
    ...debrief.gaps.filter((gap) => gap.cost >= 1).map((gap) => `Later than the ideal path: ${gap.text}`),
    ...debrief.missed.map((action) => `A runbook step not taken: ${action.description} (\`${action.command.replaceAll('`', "'")}\`)`),
  ];
  return `# Incident Post-Mortem: ${title}

**Date:** ${new Date(epoch + (page?.simMs ?? 0)).toISOString().slice(0, 10)}
**Duration:** ${minutes(score.ttrMs)} from the page to the resolution
**Severity:** ${typeof severity === 'string' ? severity : 'not declared'} (the runbook's matrix gave ${score.trueSeverity ?? 'n/a'})
**Author:** ${finished.trainee}${finished.team !== 'solo' ? ` (${finished.team})` : ''}
**Reviewers:** ${forTheTeam('who reviews this draft')}

---

## Executive Summary

${scenario?.summary ?? ''} The on-call engineer was paged by ${page ? String(page.detail?.alert) : 'no alert'}, acknowledged after ${minutes(score.ttaMs)}, and the incident was mitigated after ${minutes(score.ttmMs)}. Drill score: ${score.total} of ${score.max}.

---

## Timeline

All times in UTC.

| Time | Event |
|------|-------|
${timeline.map(([simMs, event]) => `| ${at(simMs)} | ${event.replaceAll('|', '\\|')} |`).join('\n')}

---

## Impact

### User Impact
- ${thousands(impact.operations ?? 0)} operations processed during the drill
- ${thousands(impact.errors ?? 0)} speculative task errors, ${thousands(impact.tasksAborted ?? 0)} tasks aborted
- ${thousands(impact.rollbacks ?? 0)} rollbacks occurred
- ${thousands(impact.slashedTokens ?? 0)} tokens slashed during the drill; ${thousands(impact.corruptedRecords ?? 0)} state records corrupted; ${thousands(impact.proofsRejected ?? 0)} proofs rejected

### System Impact
- Speculation service${(impact.oomKills ?? 0) > 0 ? `; ${impact.oomKills} OOMKilled container restarts` : ''}
- Alerts that fired: ${alertsFired.length > 0 ? alertsFired.join(', ') : 'none'}
- ${forTheTeam('which SLOs this breached, and by how much')}
${
  outcome
    ? `
### Against the counterfactual runs
The same incident (scenario, seed, difficulty) was run again to minute ${Math.round(outcome.horizonMs / 60_000)}: left alone, and along the runbook's ideal path.

| Run | ${outcome.unit} |
|-----|------|
| Left alone (no responder) | ${thousands(Math.round(outcome.noResponder))} |
| The ideal path | ${thousands(Math.round(outcome.ideal))} |
| This response | ${thousands(Math.round(outcome.yours))} |

This response avoided ${Math.round(Math.max(-1, Math.min(1, outcome.share)) * 100)}% of what the ideal path avoided.${debrief.gaps.length > 0 ? `\n\n${debrief.gaps.map((gap) => `- ${gap.text}`).join('\n')}` : ''}
`
    : ''
}
### Duration
- Time to Detect (TTD): 0 minutes (alerting paged at the trigger)
- Time to Acknowledge: ${minutes(score.ttaMs)}
- Time to Mitigate (TTM): ${minutes(score.ttmMs)}
- Time to Resolve (TTR): ${minutes(score.ttrMs)}

---

## Root Cause Analysis

### What Happened
${scenario?.summary ?? ''}${
    cause
      ? `

**The cause the simulation knew** (said now that the drill is over): ${cause.description}.

**What took it away:** ${cause.fix}.

**Where the evidence was:**

${cause.evidence.map((item) => `- \`${item.command}\`: ${item.shows}`).join('\n')}`
      : `\n\n${forTheTeam('a detailed technical explanation of the failure')}`
  }

### Why It Happened
1. Why? ${cause ? `${cause.description.charAt(0).toUpperCase()}${cause.description.slice(1)}.` : forTheTeam('the first level')}
2. Why? ${forTheTeam('why that could happen')}
3. Why? ${forTheTeam('the level below')}
4. Why? ${forTheTeam('the level below')}
5. Why? ${forTheTeam('the root cause in how the system or the team works')}

### Contributing Factors
${contributing.map((factor) => `- ${factor}`).join('\n') || `- ${forTheTeam('what made it worse or slower to fix; the drill saw no harmful, late or missed step')}`}

---

## What Went Well

${dimensions.filter(doneWell).map((dimension) => `- ${dimension.label}: ${dimension.reason}`).join('\n') || `- ${forTheTeam('what worked; no scored dimension earned full points')}`}

---

## What Went Poorly

${dimensions.filter((dimension) => !doneWell(dimension)).map((dimension) => `- ${dimension.label}: ${dimension.reason}`).join('\n') || `- ${forTheTeam('what did not work; every scored dimension earned full points')}`}

---

## Where We Got Lucky

- ${forTheTeam('a near miss, or what could have been worse')}

---

## Action Items

| ID | Action | Owner | Priority | Due Date | Status |
|----|--------|-------|----------|----------|--------|
${
  [
    ...debrief.missed.map((action) => `Practise: ${action.description} (${action.command.replaceAll('|', '\\|')})`),
    ...debrief.gaps.filter((gap) => gap.cost >= 1).map((gap) => `Practise reaching "${gap.step.replaceAll('|', '\\|')}" sooner`),
  ]
    .map((action, index) => `| ${index + 1} | ${action} | @${finished.trainee} | P2 | ${dueDate(finished.finishedAt)} | Open |`)
    .join('\n') || `| 1 | ${forTheTeam('what the team will change')} | | | | Open |`
}

---

## Lessons Learned

${forTheTeam('the key takeaways for the team and the organisation')}

---

## Appendix

### Actions Taken
${debrief.yourPath.map((step) => `- ${step.atMs >= 0 ? '+' : '-'}${Math.floor(Math.abs(step.atMs) / 60_000)}m${String(Math.floor((Math.abs(step.atMs) % 60_000) / 1000)).padStart(2, '0')}s ${step.step}`).join('\n')}
`;
}
