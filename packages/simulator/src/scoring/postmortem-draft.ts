/**
 * The runbook's post-mortem template, filled from a finished drill's journal: the timeline
 * table, TTD/TTM/TTR, impact figures from the simulation, and the actions taken. What a
 * journal cannot know (the five whys, lessons) stays as the template's prompts.
 */
import { alertNames, findScenario } from '@gameday/scenarios';
import { detailText } from '../journal/journal';
import { isDeclaration, isDrillEvent, isServiceWrite } from '../journal/scoring-facts';
import type { FinishedDrill } from '../storage/drill-store';
import { debriefOf } from './drill-debrief';

const hhmm = (wallMs: number) => new Date(wallMs).toISOString().slice(11, 16);
const minutes = (ms: number | null) => (ms === null ? 'not reached' : `${Math.round(ms / 60_000)} minutes`);
const thousands = (value: number) => value.toLocaleString('en-US');

export function postmortemDraft(finished: FinishedDrill): string {
  const debrief = debriefOf(finished);
  const scenario = findScenario(finished.scenario);
  const journal = finished.journal;
  const started = journal.find((entry) => isDrillEvent(entry, 'drill.started'));
  // Wall time of simulated 0: the journal keeps both for every entry.
  const epoch = started ? started.wallMs - started.simMs : Date.parse(finished.finishedAt) - finished.durationMs;
  const at = (simMs: number) => hhmm(epoch + simMs);
  // The incident's page, as the scorer reads it: a platform warning firing beside it is not.
  const pages = scenario?.spec ? alertNames(scenario.spec) : null;
  const page = journal.find((entry) => isDrillEvent(entry, 'alert.firing') && (pages === null || pages.includes(String(entry.detail?.alert))));
  const score = finished.score;
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
  for (const entry of mitigation) timeline.push([entry.simMs, `Mitigation applied: ${entry.action}${entry.detail?.changes ? ` ${JSON.stringify(entry.detail.changes)}` : ''}${entry.detail?.deployment ? ` (${detailText(entry.detail.deployment)} to ${detailText(entry.detail.replicas)})` : ''}`]);
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
  return `# Incident Post-Mortem: ${title}

**Date:** ${finished.finishedAt.slice(0, 10)}
**Duration:** ${minutes(score.ttrMs)} from the page to the resolution
**Severity:** ${typeof severity === 'string' ? severity : 'not declared'} (the runbook's matrix gave ${score.trueSeverity ?? 'n/a'})
**Author:** ${finished.trainee}${finished.team !== 'solo' ? ` (${finished.team})` : ''}
**Reviewers:** {Names}

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
- {SLO breaches}

### Duration
- Time to Detect (TTD): 0 minutes (alerting paged at the trigger)
- Time to Acknowledge: ${minutes(score.ttaMs)}
- Time to Mitigate (TTM): ${minutes(score.ttmMs)}
- Time to Resolve (TTR): ${minutes(score.ttrMs)}

---

## Root Cause Analysis

### What Happened
${scenario?.summary ?? '{Detailed technical explanation of the failure}'}${
    scenario?.spec
      ? `

The cause (declared by the scenario, now that the drill is over): ${scenario.spec.cause.description}. It is taken away by: ${scenario.spec.cause.fix}.
Where its evidence was: ${scenario.spec.cause.evidence.map((item) => `\`${item.command}\` (${item.shows})`).join('; ')}.`
      : ''
  }

### Why It Happened
1. Why? {First level}
2. Why? {Second level}
3. Why? {Third level}
4. Why? {Fourth level}
5. Why? {Root cause}

### Contributing Factors
- {Factor 1}

---

## What Went Well

${score.dimensions.filter((dimension) => dimension.points >= dimension.max).map((dimension) => `- ${dimension.label}: ${dimension.reason}`).join('\n') || '- {Thing that worked}'}

---

## What Went Poorly

${score.dimensions.filter((dimension) => dimension.points < dimension.max).map((dimension) => `- ${dimension.label}: ${dimension.reason}`).join('\n') || '- {Thing that did not work}'}

---

## Where We Got Lucky

- {Near miss or thing that could have been worse}

---

## Action Items

| ID | Action | Owner | Priority | Due Date | Status |
|----|--------|-------|----------|----------|--------|
${debrief.missed.map((action, index) => `| ${index + 1} | Practise: ${action.description} (${action.command.replaceAll('|', '\\|')}) | @${finished.trainee} | P2 | YYYY-MM-DD | Open |`).join('\n') || '| 1 | {Action description} | @name | P1/P2/P3 | YYYY-MM-DD | Open |'}

---

## Lessons Learned

{Key takeaways for the team and organization}

---

## Appendix

### Actions Taken
${debrief.yourPath.map((step) => `- ${step.atMs >= 0 ? '+' : '-'}${Math.floor(Math.abs(step.atMs) / 60_000)}m${String(Math.floor((Math.abs(step.atMs) % 60_000) / 1000)).padStart(2, '0')}s ${step.step}`).join('\n')}
`;
}
