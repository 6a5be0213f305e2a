import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scenarioTableMarkdown, withScenarioTable } from './scenario-docs';
import { scenarios } from './scenario-registry';

const readmeUrl = new URL('../../README.md', import.meta.url);

describe("the README's scenario table", () => {
  // `pnpm gen:docs` sets GAMEDAY_UPDATE_DOCS=1 and rewrites the table; otherwise any difference fails.
  it('is what the scenarios declare (regenerate: pnpm gen:docs)', () => {
    const readme = readFileSync(readmeUrl, 'utf8');
    const expected = withScenarioTable(readme, scenarioTableMarkdown(scenarios));
    if (process.env.GAMEDAY_UPDATE_DOCS === '1' && expected !== readme) writeFileSync(readmeUrl, expected);
    else expect(readme).toBe(expected);
  });

  it('has a row per scenario, each with its cause and how it is resolved', () => {
    const rows = scenarioTableMarkdown(scenarios).split('\n').filter((line) => line.startsWith('| `'));
    expect(rows).toHaveLength(scenarios.length);
    for (const scenario of scenarios.filter((candidate) => candidate.spec)) {
      const row = rows.find((line) => line.startsWith(`| \`${scenario.id}\``))!;
      expect(row).toContain(scenario.spec!.resolved.description);
      expect(row).toContain(scenario.spec!.cause.fix.replaceAll('|', '\\|'));
    }
  });
});
