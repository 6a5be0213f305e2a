import { describe, expect, it } from 'vitest';
import { alertRulesYaml } from './alert-rules-file';
import { redHerringAlertRules } from './red-herrings';
import { scenarios } from './scenario-registry';
import type { ScenarioSpec } from './scenario-spec';

const specs = scenarios.map((scenario) => scenario.spec).filter((spec): spec is ScenarioSpec => spec !== null);

describe('scenarios/prometheus/alerts.yml', () => {
  // A file snapshot: `pnpm gen:alerts` (vitest -u) rewrites it; CI fails on any difference.
  it('is exactly what the scenarios declare (regenerate: pnpm gen:alerts)', async () => {
    await expect(alertRulesYaml(specs)).toMatchFileSnapshot('../prometheus/alerts.yml');
  });

  it('names every alert once, across all incidents and the background', () => {
    const names = [...specs.flatMap((spec) => spec.alertRules.map((rule) => rule.name)), ...redHerringAlertRules.map((rule) => rule.name)];
    expect(new Set(names).size).toBe(names.length);
  });
});
