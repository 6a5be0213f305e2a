/**
 * The README's scenario table, written from what each scenario declares (its summary, alerts,
 * cause, evidence, fix and Recovery steps), so the docs cannot drift from the drills.
 * `scenario-docs.test.ts` keeps the README's table equal to this; `pnpm gen:docs` rewrites it.
 */
import type { ScenarioDefinition } from './scenario-types';

export const scenarioTableStart = '<!-- scenario-table:start (generated from scenarios/src/*.ts by `pnpm gen:docs`; do not edit) -->';
export const scenarioTableEnd = '<!-- scenario-table:end -->';

/** A table cell: pipes escaped (inside code spans too, as GitHub reads tables), no line breaks. */
const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
const code = (text: string) => `\`${text}\``;

function forText(ms: number): string {
  return ms === 0 ? '' : ` for ${ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms / 1000}s`}`;
}

/** The markdown table, one row per scenario in the registry's order. */
export function scenarioTableMarkdown(scenarios: readonly ScenarioDefinition[]): string {
  const rows = scenarios.map((scenario) => {
    const spec = scenario.spec;
    if (!spec) return `| ${code(scenario.id)} | — | ${cell(scenario.summary)} | — | — | — | — |`;
    const alerts = spec.alertRules.map((rule) => `${code(rule.name)} (${rule.runbookSeverity}${forText(rule.forMs)})`).join(', ');
    const evidence = spec.cause.evidence.map((item) => `${code(item.command)}: ${item.shows}`).join('; ');
    const recovery = spec.recovery.length === 0 ? '—' : spec.recovery.map((step) => `${step.description} (${code(step.command)})`).join('; ');
    return `| ${code(scenario.id)} | ${cell(spec.runbookSection)} | ${cell(scenario.summary)} | ${cell(alerts)} | ${cell(`${spec.cause.kind}: ${spec.cause.description}. ${evidence}`)} | ${cell(spec.cause.fix)} | ${cell(recovery)}; resolved: ${cell(spec.resolved.description)} |`;
  });
  return [
    scenarioTableStart,
    '| id | runbook | what happens | paged by | cause and its evidence | fix | recovery, and when it is resolved |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    scenarioTableEnd,
  ].join('\n');
}

/** `readme` with its generated table replaced by `table`; throws when the markers are missing. */
export function withScenarioTable(readme: string, table: string): string {
  const start = readme.indexOf(scenarioTableStart);
  const end = readme.indexOf(scenarioTableEnd);
  if (start < 0 || end < start) throw new Error(`README.md has no ${scenarioTableStart} … ${scenarioTableEnd} block`);
  return readme.slice(0, start) + table + readme.slice(end + scenarioTableEnd.length);
}
