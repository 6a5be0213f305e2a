import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunbookParseError, parseRunbook, splitCommands } from './runbook-parser';

const seedRunbook = readFileSync(join(import.meta.dirname, '..', '..', '..', '..', 'scenarios', 'runbooks', 'speculation-incident-response.md'), 'utf8');

describe('parseRunbook on the seed runbook', () => {
  const runbook = parseRunbook(seedRunbook);
  const withBlocks = runbook.sections.filter((section) => section.blocks.length > 0);

  it('finds the title and the sections that hold bash blocks', () => {
    expect(runbook.title).toBe('Speculative Execution Incident Response');
    expect(withBlocks.map((section) => section.heading)).toEqual([
      'P1 - Critical Incident Response',
      'P2 - High Severity Response',
      'INC-SPEC-001: Cascading Rollback Storm',
      'INC-SPEC-002: Memory Exhaustion',
      'INC-SPEC-003: Proof Generation Failure',
      'INC-SPEC-004: State Corruption',
      'INC-SPEC-005: Stake/Financial Impact',
    ]);
  });

  it('reads each incident id and trigger line', () => {
    const incidents = withBlocks.filter((section) => section.incident !== null);
    expect(incidents.map((section) => [section.incident, section.trigger])).toEqual([
      ['INC-SPEC-001', 'Rollback rate > 50% for > 2 minutes'],
      ['INC-SPEC-002', 'Memory > 95% or OOMKilled pods'],
      ['INC-SPEC-003', 'Proof queue > 95% or proof worker pods failing'],
      ['INC-SPEC-004', 'State integrity check failures, inconsistent data'],
      ['INC-SPEC-005', 'Unexpected stake slashing, financial loss detected'],
    ]);
  });

  it('splits blocks into the 26 commands, continuation lines kept together, with their lines', () => {
    const commands = withBlocks.flatMap((section) => section.blocks.flatMap((block) => block.commands));
    expect(commands).toHaveLength(26);
    const drain = commands.find((command) => command.text.includes('/admin/speculation/drain'))!;
    expect(drain.text.split('\n')).toHaveLength(3);
    expect(seedRunbook.split('\n')[drain.line - 1]).toBe('curl -X POST http://localhost:9090/admin/speculation/drain \\');
  });

  it('defaults to the baseline for sections without an incident', () => {
    expect(runbook.options).toEqual({ scenarios: {}, defaultScenario: 'baseline' });
  });
});

describe('front matter', () => {
  it('overrides the scenario mapping, default scenario and seed', () => {
    const runbook = parseRunbook('---\ngameday:\n  scenarios:\n    INC-OPS-007: memory-exhaustion\n  defaultScenario: rollback-storm\n  seed: 9\n---\n# Ops\n\n## INC-OPS-007: Heap\n\n```bash\nagenc admin gc --force\n```\n');
    expect(runbook.options).toEqual({ scenarios: { 'INC-OPS-007': 'memory-exhaustion' }, defaultScenario: 'rollback-storm', seed: 9 });
    expect(runbook.sections.find((section) => section.incident === 'INC-OPS-007')?.blocks[0]?.commands[0]?.text).toBe('agenc admin gc --force');
  });

  it('rejects front matter it cannot use, saying why', () => {
    expect(() => parseRunbook('---\ngameday:\n  seed: soon\n---\n# x\n')).toThrow(RunbookParseError);
    expect(() => parseRunbook('---\ngameday: [\n---\n# x\n')).toThrow(/not valid YAML/);
  });
});

describe('splitCommands', () => {
  it('drops comments and blank lines and joins continuations', () => {
    expect(splitCommands('# one\nls \\\n  -l\n\necho hi\n', 10)).toEqual([
      { text: 'ls \\\n  -l', line: 11 },
      { text: 'echo hi', line: 14 },
    ]);
  });
});

describe('Recovery blocks', () => {
  it('marks the blocks under a **Recovery:** label as recovery, every other as response', () => {
    const parsed = parseRunbook(['### INC-SPEC-001: Storm', '', '**Immediate Actions:**', '```bash', 'agenc admin status', '```', '', '**Recovery:**', '- Fix root cause', '', '```bash', 'agenc speculation stuck', '```', ''].join('\n'));
    expect(parsed.sections[0]!.blocks.map((block) => [block.stage, block.commands[0]!.text])).toEqual([
      ['response', 'agenc admin status'],
      ['recovery', 'agenc speculation stuck'],
    ]);
  });

  it('finds no Recovery commands in the seed runbook, whose Recovery steps are prose', () => {
    expect(parseRunbook(seedRunbook).sections.flatMap((section) => section.blocks).filter((block) => block.stage === 'recovery')).toEqual([]);
  });
});
