/**
 * scenarios/prometheus/alerts.yml, written from the alert rules each scenario declares: the
 * file a team loads into its own Prometheus is generated, never edited by hand, so it cannot
 * drift from what the simulator fires. `alert-rules-file.test.ts` keeps the checked-in file
 * equal to this; `pnpm gen:alerts` rewrites it.
 */
import { redHerringAlertRules, redHerringRunbook } from './red-herrings';
import type { AlertRuleSpec, ScenarioSpec } from './scenario-spec';

const header = `# Alerting rules for the speculation service, one per runbook trigger
# (scenarios/runbooks/speculation-incident-response.md), over the metrics gameday exports.
# Generated from the alert rules each scenario declares (scenarios/src/<incident>.ts); do not
# edit, run \`pnpm gen:alerts\`. The last group is the platform's own node rules, which the
# drills' red herrings fire (scenarios/src/red-herrings.ts). The simulator fires the same
# alerts from the same conditions; test/prometheus checks that Prometheus agrees on series
# recorded from each scenario (\`pnpm test:prometheus\`).
`;

/** A YAML scalar: plain where YAML reads it back as the same string, single-quoted otherwise. */
function scalar(value: string): string {
  const plain = /^[A-Za-z0-9(][^#'\n]*$/.test(value) && !value.includes(': ') && !value.endsWith(':') && !/^(true|false|null|yes|no|on|off|~|[0-9.]+)$/i.test(value);
  return plain ? value : `'${value.replaceAll("'", "''")}'`;
}

/** Prometheus's duration for a rule's `for`. */
function duration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

function ruleYaml(rule: AlertRuleSpec, spec: Pick<ScenarioSpec, 'incident' | 'runbookSection'>): string {
  const lines = [`      - alert: ${rule.name}`, `        expr: ${scalar(rule.expr)}`];
  if (rule.forMs > 0) lines.push(`        for: ${duration(rule.forMs)}`);
  lines.push(
    '        labels:',
    `          severity: ${rule.runbookSeverity}`,
    `          runbook: ${spec.incident}`,
    '        annotations:',
    `          summary: ${scalar(rule.summary)}`,
    `          trigger: ${scalar(rule.trigger)}`,
    `          runbook_section: ${scalar(spec.runbookSection)}`,
  );
  return lines.join('\n');
}

/** The platform's own rules, which the drills' red herrings fire: they name the platform team's runbook. */
const platform = { incident: redHerringRunbook, runbookSection: 'Platform: node filesystems' };

/** The rules file for these specs, in their order, then the platform's rules the background fires. */
export function alertRulesYaml(specs: readonly ScenarioSpec[]): string {
  const rules = specs.flatMap((spec) => spec.alertRules.map((rule) => ruleYaml(rule, spec)));
  const background = redHerringAlertRules.map((rule) => ruleYaml(rule, platform));
  return `${header}groups:\n  - name: speculation-incidents\n    rules:\n${rules.join('\n')}\n  - name: platform-nodes\n    rules:\n${background.join('\n')}\n`;
}
