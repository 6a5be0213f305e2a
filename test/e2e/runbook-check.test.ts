/**
 * Issue 4: `gameday check` on the seed runbook passes every step; altered copies fail at the
 * right step with the right reason; the JUnit file parses as XML with one testcase per step.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRunbook, type CheckReport } from '@gameday/simulator';
import { gamedayBin } from './support/served-simulator';
import { runbookPath } from './support/runbook-blocks';

const seed = readFileSync(runbookPath, 'utf8');
const work = mkdtempSync(join(tmpdir(), 'gameday-check-e2e-'));

function gamedayCheck(args: string[]) {
  return spawnSync(process.execPath, [gamedayBin, 'check', ...args], { encoding: 'utf8', timeout: 60_000 });
}

/** Writes a copy of the seed runbook with one change, checked to apply exactly once. */
function alteredCopy(name: string, from: string, to: string, after = ''): string {
  const start = after === '' ? 0 : seed.indexOf(after);
  const index = seed.indexOf(from, start);
  expect(index, `"${from}" after "${after}"`).toBeGreaterThanOrEqual(0);
  const path = join(work, `${name}.md`);
  writeFileSync(path, seed.slice(0, index) + to + seed.slice(index + from.length));
  return path;
}

function failures(report: CheckReport) {
  return report.sections.flatMap((section) => section.steps.filter((step) => !step.passed).map((step) => ({ section: section.id, line: step.line, kind: step.kind, reason: step.reason })));
}

describe('gameday check on the seed runbook', () => {
  it('passes every step, writes JUnit XML with one testcase per step, and exits 0', () => {
    const junit = join(work, 'seed.xml');
    const result = gamedayCheck([runbookPath, '--junit', junit]);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/7 sections, 36 steps, 36 passed, 0 failed/);
    expect(result.stderr).toContain('▶ INC-SPEC-003: Proof Generation Failure  (scenario proof-backlog)');
    const lint = spawnSync('python3', ['-c', 'import sys, xml.etree.ElementTree as ET; root = ET.parse(sys.argv[1]).getroot(); print(len(root.findall("testsuite")), len(root.findall("testsuite/testcase")), len(root.findall(".//failure")))', junit], { encoding: 'utf8' });
    expect(lint.stderr).toBe('');
    expect(lint.stdout.trim()).toBe('7 36 0');
  });

  it('prints the same report as data with --json', () => {
    const result = gamedayCheck([runbookPath, '--json', '--only', 'INC-SPEC-005']);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as CheckReport;
    expect(report.sections.map((section) => section.id)).toEqual(['INC-SPEC-005']);
    expect(report.sections[0]!.steps.map((step) => step.kind)).toEqual(['trigger', 'command', 'command', 'command', 'mitigated']);
  });

  it('exits 2 with the reason for an unreadable file or an unknown section', () => {
    const missing = gamedayCheck([join(work, 'nope.md')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no such file');
    const unknown = gamedayCheck([runbookPath, '--only', 'INC-SPEC-009']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('--only INC-SPEC-009: no such section');
    expect(gamedayCheck([]).status).toBe(2);
  });
});

describe('altered runbooks fail at the right step with the right reason', () => {
  const cases: Array<[string, string, string, string, string, { line?: boolean; reason: string | RegExp; kind?: string }]> = [
    ['a mistyped config key', 'INC-SPEC-001', '{"speculation.enabled": false}', '{"speculation.enabeld": false}', '### INC-SPEC-001', { reason: '400: unknown config key "speculation.enabeld" (did you mean "speculation.enabled"?)' }],
    ['a wrong endpoint path', 'INC-SPEC-001', '/admin/speculation/drain', '/admin/speculation/drian', '### INC-SPEC-001', { reason: '404: no route POST /admin/speculation/drian' }],
    ['a wrong top-level path', 'INC-SPEC-002', 'http://localhost:9090/admin/config', 'http://localhost:9090/admin-config', '### INC-SPEC-002', { reason: '404: no route POST /admin-config' }],
    ['a missing Authorization header', 'INC-SPEC-004', '  -H "Authorization: Bearer $ADMIN_TOKEN" \\\n  -d \'{"speculation.enabled": false}\'', "  -d '{\"speculation.enabled\": false}'", '### INC-SPEC-004', { reason: '401: no Authorization header' }],
    ['a wrong namespace', 'P1 - Critical Incident Response', 'kubectl get pods -n production', 'kubectl get pods -n prod', '### P1 - Critical', { reason: 'namespace "prod" not found (the list came back empty)' }],
    ['a wrong deployment name', 'INC-SPEC-003', 'kubectl scale deployment proof-worker', 'kubectl scale deployment proof-workers', '### INC-SPEC-003', { reason: 'deployment "proof-workers" not found in namespace production' }],
    ['an agenc subcommand that does not exist', 'INC-SPEC-003', 'agenc proof-worker status', 'agenc proof-worker stats', '### INC-SPEC-003', { reason: "exit 2: error: unknown command 'stats' (Did you mean status?)" }],
    [
      'an action that does not mitigate',
      'INC-SPEC-005',
      '{"speculation.enabled": false}',
      '{"speculation.log_level": "debug"}',
      '### INC-SPEC-005',
      { kind: 'mitigated', reason: /^not mitigated within 15 simulated minutes of the last step \(speculationEnabled is true\)$/ },
    ],
  ];

  it.each(cases)('%s', async (name, section, from, to, after, expected) => {
    const path = alteredCopy(name.replaceAll(' ', '-'), from, to, after);
    const report = await checkRunbook(path, { only: [section] });
    expect(report.passed).toBe(false);
    const failed = failures(report);
    // The altered step fails first; a broken mitigation step may also leave the incident unmitigated.
    expect(failed.length, JSON.stringify(failed)).toBeGreaterThanOrEqual(1);
    expect(failed.slice(1).every((step) => step.kind === 'mitigated'), JSON.stringify(failed)).toBe(true);
    expect(failed[0]!.section).toBe(section);
    expect(failed[0]!.kind).toBe(expected.kind ?? 'command');
    if (typeof expected.reason === 'string') expect(failed[0]!.reason).toBe(expected.reason);
    else expect(failed[0]!.reason).toMatch(expected.reason);
    if ((expected.kind ?? 'command') === 'command') {
      // The failing step is the altered line of the runbook.
      const lines = readFileSync(path, 'utf8').split('\n');
      expect(lines.slice(failed[0]!.line! - 1, failed[0]!.line! + 2).join('\n')).toContain(to.split('\n')[0]!.trim());
    }
  });

  it('the CLI exits 1 on drift and names the step in its summary', () => {
    const path = alteredCopy('cli-drift', 'kubectl scale deployment proof-worker', 'kubectl scale deployment proof-workers', '### INC-SPEC-003');
    const result = gamedayCheck([path, '--only', 'INC-SPEC-003']);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/✗ INC-SPEC-003, line \d+: kubectl scale deployment proof-workers -n production --replicas=16\n\s+deployment "proof-workers" not found in namespace production/);
  });
});

describe('gameday check: Recovery commands (issue 14)', () => {
  const enable = (config: string) => `curl -X POST http://localhost:9090/admin/config \\\n  -H "Authorization: Bearer $ADMIN_TOKEN" \\\n  -d '${config}'`;
  const recoveryBullets = '**Recovery:**\n- Fix root cause\n- Re-enable with `max_depth: 1`\n- Gradually increase\n';

  it('runs them once the cause is gone and asserts the world is resolved', async () => {
    const steps = [enable('{"speculation.enabled": true, "speculation.max_depth": 1}'), enable('{"speculation.max_depth": 2}'), enable('{"speculation.max_depth": 3}'), enable('{"speculation.max_depth": 4}')];
    const path = alteredCopy('recovery', recoveryBullets, `**Recovery:**\n\n\`\`\`bash\n${steps.join('\n\n')}\n\`\`\`\n`, '### INC-SPEC-001');
    const report = await checkRunbook(path, { only: ['INC-SPEC-001'] });
    const section = report.sections[0]!;
    expect(failures(report)).toEqual([]);
    expect(section.steps.map((step) => step.kind)).toEqual(['trigger', 'command', 'command', 'command', 'mitigated', 'command', 'command', 'command', 'command', 'resolved']);
    expect(section.steps.at(-1)!.name).toMatch(/^resolved: speculation back on at its normal settings/);
  });

  it('fails the resolved step, saying why, when the Recovery stops at max_depth 1', async () => {
    const path = alteredCopy('recovery-short', recoveryBullets, `**Recovery:**\n\n\`\`\`bash\n${enable('{"speculation.enabled": true, "speculation.max_depth": 1}')}\n\`\`\`\n`, '### INC-SPEC-001');
    const report = await checkRunbook(path, { only: ['INC-SPEC-001'] });
    const failed = failures(report);
    expect(failed.map(({ section, line, kind }) => ({ section, line, kind }))).toEqual([{ section: 'INC-SPEC-001', line: null, kind: 'resolved' }]);
    expect(failed[0]!.reason).toMatch(/^not resolved within 60 simulated minutes after the Recovery commands: the cause is gone; the readings are not normal/);
  });
});
