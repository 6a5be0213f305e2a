/**
 * `checkRunbook`: proves a runbook's commands still work against the fake service. Each
 * section with bash blocks gets a fresh simulator on a free loopback port with the virtual
 * clock, a drill folder (the admin's own folder with the runbook's scripts, a kubeconfig and a
 * `.curlrc` beside it, as `gameday env` sets up a shell), and real bash, curl,
 * kubectl and agenc. An incident's scenario is advanced until it pages; each command is run and
 * judged by its exit status and by the journal; after the incident's commands, the scenario's
 * mitigated condition must hold, and where the section gives commands under `**Recovery:**`,
 * they run once the cause is gone and the world must then meet the incident's resolved condition.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { alertNames, findScenario, readingsSatisfy, scenarioForIncident, scenarioIds, type ScenarioContext, type ScenarioSpec } from '@gameday/scenarios';
import { Drill } from '../drill/drill';
import { drillEnvironment } from '../drill/drill-workspace';
import { createServer } from '../http/server';
import type { FastifyInstance } from 'fastify';
import { DrillSlot } from '../http/plugins/drill-context';
import { startDrillServer } from '../gameday/drill-server';
import { judgeStep } from './step-judge';
import { RunbookParseError, parseRunbook, type RunbookSection } from './runbook-parser';

export interface StepResult {
  /** `command`, or the checker's own `trigger`, `mitigated` and (after Recovery commands) `resolved` assertions. */
  kind: 'command' | 'trigger' | 'mitigated' | 'resolved';
  name: string;
  line: number | null;
  passed: boolean;
  reason?: string;
  exitCode?: number | null;
  durationMs: number;
  /** Requests the step made to the service, as the journal recorded them. */
  requests: Array<{ source: string; action: string; status?: number; outcome: string }>;
  stdout?: string;
  stderr?: string;
}

export interface SectionResult {
  id: string;
  heading: string;
  scenario: string;
  trigger: string | null;
  passed: boolean;
  steps: StepResult[];
  durationMs: number;
}

export interface CheckReport {
  runbook: string;
  passed: boolean;
  sections: SectionResult[];
  counts: { sections: number; steps: number; passed: number; failed: number };
  durationMs: number;
}

export type CheckProgress = { type: 'section'; section: SectionResult } | { type: 'step'; section: SectionResult; step: StepResult } | { type: 'section-done'; section: SectionResult };

export interface CheckOptions {
  /** Only sections whose INC id or heading is listed. */
  only?: string[];
  seed?: number;
  /** How long the scenario may take to page before the trigger counts as not met. */
  triggerWithinMs?: number;
  /** How long after its commands an incident may take to reach its mitigated condition. */
  mitigateWithinMs?: number;
  /** Where the runbook gives Recovery commands: how long the cause may take to go, and the world to be resolved after them. */
  recoverWithinMs?: number;
  onProgress?: (progress: CheckProgress) => void;
}

/** Bad usage or an unreadable runbook: `gameday check` exits 2. */
export class CheckUsageError extends Error {}

const outputLimit = 4000;
const stepTimeoutMs = 150_000;

function clip(text: string): string {
  return text.length > outputLimit ? `${text.slice(0, outputLimit)}\n… (${text.length - outputLimit} more characters)` : text;
}

function runBash(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun) => {
    const child = spawn('bash', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), stepTimeoutMs);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolveRun({ exitCode: signal === 'SIGKILL' ? null : code, stdout, stderr });
    });
  });
}

function sectionId(section: RunbookSection): string {
  return section.incident ?? section.heading;
}

function scenarioFor(section: RunbookSection, options: ReturnType<typeof parseRunbook>['options']): string {
  return options.scenarios[section.incident ?? ''] ?? options.scenarios[section.heading] ?? (section.incident ? scenarioForIncident(section.incident)?.id : undefined) ?? options.defaultScenario;
}

/** Advances a second at a time until `done` or `withinMs`; returns whether it became true. */
function advanceUntil(drill: Drill, done: () => boolean, withinMs: number): boolean {
  const from = drill.clock.now();
  while (!done() && drill.clock.now() - from < withinMs) drill.clock.advanceBy(1000);
  return done();
}

/** Simulated time given to each Recovery command before the next: "monitor" between steps. */
const recoveryWatchMs = 3 * 60_000;

/** The incident's resolved condition, checked the way the drill checks it, within `withinMs`. */
function resolvedStep(drill: Drill, spec: ScenarioSpec, withinMs: number): StepResult {
  const started = performance.now();
  const passed = advanceUntil(drill, () => drill.resolution().state === 'resolved', withinMs);
  const resolution = drill.resolution();
  return {
    kind: 'resolved',
    name: `resolved: ${spec.resolved.description}`,
    line: null,
    passed,
    ...(passed
      ? {}
      : {
          reason: `not resolved within ${Math.round(withinMs / 60_000)} simulated minutes after the Recovery commands: ${resolution.causeFixed ? 'the cause is gone' : 'the cause is still there'}; ${resolution.state === 'restoring' ? 'the readings are normal but not yet for long enough' : 'the readings are not normal'} (${resolution.condition})`,
        }),
    durationMs: performance.now() - started,
    requests: [],
  };
}

function mitigationStep(drill: Drill, spec: ScenarioSpec, withinMs: number): StepResult {
  const started = performance.now();
  const condition = spec.mitigated;
  let heldSince: number | undefined;
  const from = drill.clock.now();
  let passed = false;
  while (drill.clock.now() - from < withinMs) {
    drill.clock.advanceBy(1000);
    if (readingsSatisfy(condition, drill.world.readings())) {
      heldSince ??= drill.clock.now();
      if (drill.clock.now() - heldSince >= condition.forMs) {
        passed = true;
        break;
      }
    } else heldSince = undefined;
  }
  const readings = drill.world.readings();
  const now = condition.all
    .map(({ reading }) => {
      const value = readings[reading];
      return `${reading} is ${typeof value === 'number' ? Number(value.toFixed(3)) : String(value)}`;
    })
    .join(', ');
  return {
    kind: 'mitigated',
    name: `mitigated: ${condition.description}`,
    line: null,
    passed,
    ...(passed ? {} : { reason: `not mitigated within ${Math.round(withinMs / 60_000)} simulated minutes of the last step (${now})` }),
    durationMs: performance.now() - started,
    requests: [],
  };
}

/** One server and drill folder for the whole check; each section swaps a fresh drill in. */
interface CheckHost {
  server: FastifyInstance;
  slot: DrillSlot;
  env: NodeJS.ProcessEnv;
  /** Where the steps run: the admin's own folder in the drill. */
  workDir: string;
}

async function checkSection(section: RunbookSection, host: CheckHost, parsed: ReturnType<typeof parseRunbook>, options: CheckOptions): Promise<SectionResult> {
  const started = performance.now();
  const scenarioId = scenarioFor(section, parsed.options);
  const result: SectionResult = { id: sectionId(section), heading: section.heading, scenario: scenarioId, trigger: section.trigger, passed: true, steps: [], durationMs: 0 };
  options.onProgress?.({ type: 'section', section: result });
  const push = (step: StepResult) => {
    result.steps.push(step);
    if (!step.passed) result.passed = false;
    options.onProgress?.({ type: 'step', section: result, step });
  };
  const scenario = findScenario(scenarioId);
  if (!scenario) {
    push({ kind: 'trigger', name: `scenario ${scenarioId}`, line: null, passed: false, reason: `unknown scenario "${scenarioId}"; available: ${scenarioIds.join(', ')}`, durationMs: 0, requests: [] });
    return result;
  }

  const drill = new Drill({ scenario: scenarioId, seed: options.seed ?? parsed.options.seed ?? 1, clock: 'virtual', speed: 1, difficulty: 'normal', scrapeGaps: false });
  host.slot.current = drill;
  drill.start();
  const { env, workDir } = host;
  try {
    if (section.incident !== null && scenario.spec) {
      const spec = scenario.spec;
      const triggerStarted = performance.now();
      const paged = advanceUntil(drill, () => alertNames(spec).some((alert) => drill.world.alerts.firing().includes(alert)), options.triggerWithinMs ?? 90 * 60_000);
      push({
        kind: 'trigger',
        name: `trigger: ${section.trigger ?? spec.trigger}`,
        line: null,
        passed: paged,
        ...(paged ? {} : { reason: `${alertNames(spec).join(' or ')} did not fire within ${Math.round((options.triggerWithinMs ?? 90 * 60_000) / 60_000)} simulated minutes` }),
        durationMs: performance.now() - triggerStarted,
        requests: [],
      });
    }

    const runCommand = async (command: RunbookSection['blocks'][number]['commands'][number]) => {
      const stepStarted = performance.now();
      const sinceSeq = drill.journal.list({ limit: 1 })[0]?.seq ?? 0;
      const run = await runBash(command.text, workDir, env);
      const entries = drill.journal.list({ sinceSeq }).filter((entry) => entry.source !== 'world' && entry.source !== 'sim');
      const verdict = judgeStep(run.exitCode, run.stderr, entries);
      push({
        kind: 'command',
        name: command.text,
        line: command.line,
        passed: verdict.passed,
        ...(verdict.reason === undefined ? {} : { reason: verdict.reason }),
        exitCode: run.exitCode,
        durationMs: performance.now() - stepStarted,
        requests: entries.map((entry) => ({ source: entry.source, action: entry.action, outcome: entry.outcome, ...(entry.status === undefined ? {} : { status: entry.status }) })),
        stdout: clip(run.stdout),
        stderr: clip(run.stderr),
      });
    };

    for (const block of section.blocks.filter((candidate) => candidate.stage === 'response')) {
      for (const command of block.commands) await runCommand(command);
    }

    if (section.incident !== null && scenario.spec) push(mitigationStep(drill, scenario.spec, options.mitigateWithinMs ?? 15 * 60_000));

    // Recovery, where the runbook gives commands for it: once the cause is gone (another team's
    // fix arrives in simulated time; a fix the runbook's own commands make comes with them),
    // each command runs with a few simulated minutes to watch it, and the world must then meet
    // the incident's resolved condition.
    const recovery = section.blocks.filter((candidate) => candidate.stage === 'recovery');
    if (recovery.length > 0 && section.incident !== null && scenario.spec) {
      const causeFixed = () => (drill.actor.getSnapshot().context as ScenarioContext).causeFixed;
      advanceUntil(drill, causeFixed, options.recoverWithinMs ?? 60 * 60_000);
      for (const block of recovery) {
        for (const command of block.commands) {
          await runCommand(command);
          drill.clock.advanceBy(recoveryWatchMs);
        }
      }
      push(resolvedStep(drill, scenario.spec, options.recoverWithinMs ?? 60 * 60_000));
    }
  } finally {
    drill.stop();
  }
  result.durationMs = performance.now() - started;
  options.onProgress?.({ type: 'section-done', section: result });
  return result;
}

/** The server (with a placeholder drill until the first section), drill folder and environment. */
async function startHost(runbookPath: string): Promise<CheckHost> {
  const tokens = { admin: `check-admin-${randomBytes(9).toString('base64url')}`, facilitator: `check-facilitator-${randomBytes(9).toString('base64url')}` };
  const placeholder = new Drill({ scenario: 'baseline', seed: 1, clock: 'virtual', speed: 1, difficulty: 'normal' });
  const slot = new DrillSlot(placeholder);
  const dataDir = mkdtempSync(join(tmpdir(), 'gameday-check-'));
  const { server, record: workspace } = await startDrillServer({
    drill: placeholder,
    create: () => createServer({ drill: placeholder, slot, tokens }),
    host: '127.0.0.1',
    listen: { port: 0 },
    workspace: { dataDir, adminToken: tokens.admin, facilitatorToken: tokens.facilitator },
  });
  // The team's own scripts, where the runbook has them beside it, replace ours.
  const scripts = join(dirname(runbookPath), 'scripts');
  if (existsSync(scripts) && statSync(scripts).isDirectory()) cpSync(scripts, join(workspace.workDir, 'scripts'), { recursive: true });
  return { server, slot, env: drillEnvironment(workspace), workDir: workspace.workDir };
}

/** Checks every section of the runbook that has bash blocks (or those named in `only`). */
export async function checkRunbook(path: string, options: CheckOptions = {}): Promise<CheckReport> {
  const started = performance.now();
  const runbookPath = resolve(path);
  let markdown: string;
  try {
    markdown = readFileSync(runbookPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CheckUsageError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder, not a file' : code === 'EACCES' ? 'permission denied' : String(error)}`);
  }
  let parsed: ReturnType<typeof parseRunbook>;
  try {
    parsed = parseRunbook(markdown);
  } catch (error) {
    if (error instanceof RunbookParseError) throw new CheckUsageError(`${path}: ${error.message}`);
    throw error;
  }
  let sections = parsed.sections.filter((section) => section.blocks.some((block) => block.commands.length > 0));
  if (options.only && options.only.length > 0) {
    const wanted = new Set(options.only);
    const known = sections.map(sectionId);
    const unknown = options.only.filter((id) => !known.includes(id));
    if (unknown.length > 0) throw new CheckUsageError(`--only ${unknown.join(', ')}: no such section with commands; sections: ${known.join(', ')}`);
    sections = sections.filter((section) => wanted.has(sectionId(section)));
  }
  if (sections.length === 0) throw new CheckUsageError(`${path} has no bash code blocks to check`);

  const results: SectionResult[] = [];
  const host = await startHost(runbookPath);
  try {
    for (const section of sections) results.push(await checkSection(section, host, parsed, options));
  } finally {
    await host.server.close();
    rmSync(host.env.HOME!, { recursive: true, force: true });
  }
  const steps = results.flatMap((section) => section.steps);
  const failed = steps.filter((step) => !step.passed).length;
  return {
    runbook: basename(runbookPath),
    passed: failed === 0,
    sections: results,
    counts: { sections: results.length, steps: steps.length, passed: steps.length - failed, failed },
    durationMs: performance.now() - started,
  };
}
