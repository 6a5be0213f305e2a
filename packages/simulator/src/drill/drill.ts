/**
 * A drill: one scenario running against one world on one clock, with one journal. Every
 * surface (admin API, Kubernetes API, agenc, control API, UI) acts on a Drill and nothing else.
 *
 * A clock tick: the clock fires the tick timer every simulated second; the drill reads the
 * scenario actor's drivers, steps the world, evaluates alerts, and every few ticks sends the
 * scenario its readings so guarded transitions can react. Scenario `after` delays run on the
 * same clock, so virtual, accelerated and real time all give the same order of events.
 */
import { createActor, type Actor, type AnyStateMachine } from 'xstate';
import {
  alertNames,
  assessSeverity,
  combineDrivers,
  combineFacts,
  findScenario,
  liveSeverityFacts,
  localTime,
  scenarioIds,
  seededEpochMs,
  type Difficulty,
  type Drivers,
  type IncidentFacts,
  type LocalTime,
  type PrimaryRegion,
  type ScenarioContext,
  type ScenarioDefinition,
  type ScenarioSpec,
  type SeverityAssessment,
  type SeverityFacts,
  type WorldEventBody,
} from '@gameday/scenarios';
import { SimClock, type ClockMode } from '../clock/sim-clock';
import { Journal, type JournalInput } from '../journal/journal';
import { TICK_MS, World, integrityScanMs, type IntegrityScan, type IntegrityScanResult } from '../world/world';
import { ImpactMeter } from './impact-meter';
import { MetricSeries } from './metric-series';
import { ScrapeGaps, type ScrapeGap } from '../world/scrape-gaps';
import { IncidentResolution, type Resolution, type RunningFault } from './incident-resolution';
import { TraineeSession } from './trainee-session';
import { SeverityWatch } from './severity-watch';
import type { AlertNotice } from '../world/alert-webhook';
import { GamedayError } from '../core/gameday-error';
import type { DrillInput, InputSink, RecordedInput } from './drill-inputs';
import { worldCheckpoint } from './world-fingerprint';

export interface DrillOptions {
  scenario: string;
  seed: number;
  clock: ClockMode;
  speed: number;
  difficulty: Difficulty;
  journalCapacity?: number;
  /** Extra simulated ms before the incident begins ("surprise me" drills page at a random moment). */
  onsetDelayMs?: number;
  /** The trainee's name, as given in the lobby. */
  trainee?: string;
  /** The trainee's team, for leaderboards and readiness metrics. */
  team?: string;
  /** Ranked drills count on leaderboards; practice drills do not. */
  ranked?: boolean;
  /** Where alert transitions go besides the journal (an Alertmanager-format webhook). */
  onAlert?: (notice: AlertNotice) => void;
  /** The wall clock a realtime drill follows, in ms (`performance.now` unless a test injects one). */
  wallNow?: () => number;
  /** The instant simulated time 0 stands for (default: from the seed, `seededEpochMs`), so local times are the seed's. */
  epochMs?: number;
  /**
   * Whether `/metrics` has the odd failed scrape its difficulty brings (default true). The
   * runbook checker turns it off: it judges the runbook's commands, not the exporter's luck.
   */
  scrapeGaps?: boolean;
  /** A branch of a finished drill: replayed from its inputs up to `atMs`, then the trainee's own. */
  branchOf?: { drillId: string; atMs: number };
  /** A finished best run this drill races: its steps show on the timeline, never applied to the world. */
  ghost?: GhostRun;
}

/** The run a trainee races: its finished drill, its trainee and score, and the steps it took at their simulated moments. */
export interface GhostRun {
  drillId: string;
  trainee: string;
  score: number;
  steps: Array<{ simMs: number; what: string }>;
}

/** Readings are sent to the scenario every this many ticks. */
const observeEveryTicks = 5;

/** A second incident a facilitator injected into the running drill, with its own machine. */
export interface InjectedFault {
  scenario: ScenarioDefinition;
  actor: Actor<AnyStateMachine>;
  handledEvents: ReadonlySet<string>;
  injectedAtMs: number;
}

export class Drill {
  readonly options: DrillOptions;
  readonly scenario: ScenarioDefinition;
  clock!: SimClock;
  world!: World;
  journal!: Journal;
  actor!: Actor<AnyStateMachine>;
  trainee!: TraineeSession;
  series!: MetricSeries;
  /** What the incident has cost so far, by its spec's impact declaration. */
  impact!: ImpactMeter;
  /** When the metrics exporter fails a scrape: fixed by the seed and difficulty, so a reset keeps it. */
  readonly scrapeGaps: ScrapeGaps;
  /** Whether the incident is resolved, as a condition of the world (checked every tick). */
  private resolutionTracker!: IncidentResolution;
  /** The severity the engine assesses, journaled when it changes (what severity and comms are graded against). */
  private severityWatch!: SeverityWatch;
  /** How many of each machine's happenings have been applied to the world. */
  private appliedHappenings = new Map<Actor<AnyStateMachine>, number>();
  /** The stored record's id once the drill is finished (declared resolved). */
  finishedId: string | null = null;
  /** Wall time that simulated time 0 corresponds to: from the seed (or the options), never the machine's clock. */
  readonly epochMs: number;
  private ticks = 0;
  private lastPhase = '';
  private readonly drainWaiters = new Set<() => void>();
  private readonly integrityWaiters = new Set<() => void>();
  /** Event types some state of the scenario machine has a transition for. */
  private readonly handledEvents: ReadonlySet<string>;
  private running = false;
  /** Faults injected on top of the scenario (game-day mode), in order. */
  faults: InjectedFault[] = [];
  /** Where this drill's inputs go as they happen (a live drill's store); none for in-process runs. */
  private inputSink: InputSink | null = null;
  /** Inside an input's action: what it does in turn (a drain's skip, a start in a reset) replays with it. */
  private inputDepth = 0;
  /** Being rebuilt from its inputs: the clock does not follow the wall, alerts are not sent again. */
  private replaying = false;
  /** A branch's inputs replayed from its origin: its log begins with them, so it rebuilds as it began. */
  private inheritedInputs: readonly RecordedInput[] = [];
  /** The wall clock the journal stamps entries with (a replay stamps them with the inputs' own moments). */
  private journalWall: () => number = Date.now;

  constructor(options: DrillOptions) {
    const scenario = findScenario(options.scenario);
    if (!scenario) {
      throw new GamedayError('INVALID_PARAMETER', `unknown scenario "${options.scenario}"; available: ${scenarioIds.join(', ')}`, { field: 'scenario', allowed: scenarioIds });
    }
    this.options = options;
    this.scenario = scenario;
    this.epochMs = options.epochMs ?? seededEpochMs(options.seed);
    this.handledEvents = new Set(scenario.machine.events);
    this.scrapeGaps = options.scrapeGaps === false ? new ScrapeGaps(options.seed, 0) : ScrapeGaps.forDrill(options.seed, options.difficulty, scenario.incident !== null);
    this.build();
  }

  private build(): void {
    const clock = new SimClock({ mode: this.options.clock, speed: this.options.speed, wallNow: this.options.wallNow });
    this.clock = clock;
    this.journal = new Journal(() => clock.now(), this.options.journalCapacity);
    this.journal.wallNow = () => this.journalWall();
    this.actor = createActor(this.scenario.machine, {
      clock,
      input: { seed: this.options.seed, difficulty: this.options.difficulty, onsetDelayMs: this.options.onsetDelayMs ?? 0, epochMs: this.epochMs },
    });
    this.world = new World({ seed: this.options.seed, now: () => clock.now() }, this.drivers());
    this.trainee = new TraineeSession();
    if (this.options.trainee !== undefined) this.trainee.name = this.options.trainee;
    this.series = new MetricSeries();
    this.impact = new ImpactMeter();
    this.resolutionTracker = new IncidentResolution();
    this.severityWatch = new SeverityWatch();
    this.appliedHappenings = new Map();
    this.world.alerts.onTransition(({ alert, to }) => {
      this.journal.record({
        source: 'world',
        action: to === 'firing' ? 'alert.firing' : 'alert.resolved',
        outcome: 'info',
        // The severity the runbook expects at this moment: scoring reads it from here.
        detail: { alert: alert.name, runbook: alert.runbook, value: alert.value, expectedSeverity: this.expectedSeverity() },
      });
      if (!this.replaying) this.options.onAlert?.({ alert, to, at: this.simDate(), startsAt: this.simDate(alert.firedAtMs ?? this.clock.now()) });
    });
    this.actor.subscribe((snapshot) => {
      const phase = String(typeof snapshot.value === 'string' ? snapshot.value : JSON.stringify(snapshot.value));
      if (phase !== this.lastPhase) {
        if (this.lastPhase) this.journal.record({ source: 'world', action: 'phase', outcome: 'info', detail: { from: this.lastPhase, to: phase } });
        this.lastPhase = phase;
      }
    });
    this.ticks = 0;
    this.finishedId = null;
    this.faults = [];
  }

  private drivers(): Drivers {
    let drivers = (this.actor.getSnapshot().context as ScenarioContext).drivers;
    for (const fault of this.faults) drivers = combineDrivers(drivers, (fault.actor.getSnapshot().context as ScenarioContext).drivers);
    return drivers;
  }

  get started(): boolean {
    return this.running;
  }

  /**
   * Starts a second incident in the running world, on the same clock (game-day mode: "a proof
   * backlog on top of a rollback storm"). It begins at once, without the variant's usual quiet
   * lead-in; its phases are journaled as `fault.phase`, so the first incident's timeline and
   * the scorer's time to mitigate stay the first incident's.
   */
  inject(scenarioId: string): InjectedFault {
    return this.asInput(() => ({ kind: 'inject', scenario: scenarioId }), () => this.injectNow(scenarioId));
  }

  private injectNow(scenarioId: string): InjectedFault {
    const scenario = findScenario(scenarioId);
    if (!scenario || scenario.incident === null) {
      const incidents = scenarioIds.filter((id) => findScenario(id)?.incident !== null);
      throw new GamedayError('INVALID_PARAMETER', `cannot inject "${scenarioId}"; inject one of the incidents: ${incidents.join(', ')}`, { field: 'scenario', allowed: incidents });
    }
    if (scenario.id === this.scenario.id || this.faults.some((fault) => fault.scenario.id === scenario.id)) {
      throw new GamedayError('CONFLICT', `${scenario.id} is already running in this drill`);
    }
    const actor = createActor(scenario.machine, {
      clock: this.clock,
      input: { seed: this.options.seed + 7919 * (this.faults.length + 1), difficulty: this.options.difficulty, onsetDelayMs: 0, epochMs: this.epochMs },
    });
    const fault: InjectedFault = { scenario, actor, handledEvents: new Set(scenario.machine.events), injectedAtMs: this.clock.now() };
    let lastPhase = '';
    actor.subscribe((snapshot) => {
      const phase = String(typeof snapshot.value === 'string' ? snapshot.value : JSON.stringify(snapshot.value));
      if (phase !== lastPhase) {
        if (lastPhase) this.journal.record({ source: 'world', action: 'fault.phase', outcome: 'info', detail: { fault: scenario.id, from: lastPhase, to: phase } });
        lastPhase = phase;
      }
    });
    this.faults.push(fault);
    this.journal.record({ source: 'sim', action: 'fault.injected', outcome: 'info', detail: { scenario: scenario.id, incident: scenario.incident } });
    if (this.running) actor.start();
    return fault;
  }

  start(): void {
    if (this.running) return;
    this.asInput(() => ({ kind: 'start' }), () => this.startNow());
  }

  private startNow(): void {
    this.running = true;
    this.actor.start();
    for (const fault of this.faults) fault.actor.start();
    this.journal.record({
      source: 'sim',
      action: 'drill.started',
      outcome: 'info',
      detail: {
        scenario: this.scenario.id,
        seed: this.options.seed,
        clock: this.options.clock,
        speed: this.options.speed,
        difficulty: this.options.difficulty,
        trainee: this.trainee.name,
        team: this.options.team ?? 'solo',
        ranked: this.options.ranked ?? false,
        // What a replay needs to rebuild this world: the counterfactual runs start from these.
        onsetDelayMs: this.options.onsetDelayMs ?? 0,
        epochMs: this.epochMs,
      },
    });
    this.scheduleTick();
    if (!this.replaying) this.clock.start();
  }

  stop(): void {
    this.running = false;
    // A request waiting for an integrity scan answers now (with the scan still running) rather
    // than at its wall-clock limit: this world will not finish it.
    for (const waiter of [...this.integrityWaiters]) waiter();
    this.clock.stop();
    this.actor.stop();
    for (const fault of this.faults) fault.actor.stop();
  }

  /** Back to the start of the same scenario and seed: a fresh world, clock and journal. */
  reset(): void {
    this.asInput(
      () => ({ kind: 'reset' }),
      () => {
        this.stop();
        this.lastPhase = '';
        this.build();
        this.start();
        this.journal.record({ source: 'sim', action: 'drill.reset', outcome: 'info' });
      },
    );
  }

  /**
   * Sends this drill's inputs to `sink` from now on: each input is appended when it has been
   * applied, before the request's answer goes out. A drill already started (a lobby's new drill)
   * has its start appended first.
   */
  attachInputs(sink: InputSink): void {
    this.inputSink = sink;
    if (sink.count() === 0 && this.inheritedInputs.length > 0) for (const input of this.inheritedInputs) sink.append(input);
    else if (this.running && sink.count() === 0) sink.append({ simMs: 0, wallMs: Date.now(), input: { kind: 'start' } });
  }

  /** A branch keeps the origin's inputs it was rebuilt from: the first of its own log. */
  inheritInputs(inputs: readonly RecordedInput[]): void {
    this.inheritedInputs = inputs;
  }

  /** Stops sending inputs (a drill that finished or was replaced is no longer live). */
  detachInputs(): void {
    this.inputSink = null;
  }

  /**
   * Runs an action that is one of the drill's inputs and appends the input once it has been
   * applied (a refused action throws first and appends nothing, as it changed nothing). What the
   * action does in turn is not an input of its own: replaying the input does it again.
   */
  asInput<T>(input: () => DrillInput, act: () => T): T {
    const sink = this.inputSink;
    if (sink === null || this.inputDepth > 0) {
      this.inputDepth++;
      try {
        return act();
      } finally {
        this.inputDepth--;
      }
    }
    // Realtime: what moves time (a skip, a pause) catches up to the wall first; the input's moment is after that.
    this.clock.catchUp();
    const simMs = this.clock.now();
    // Taken before the action, at the moment a replay compares it: just before applying the input.
    const checkpoint = sink.checkpointDue() ? worldCheckpoint(this) : undefined;
    this.inputDepth++;
    let result: T;
    try {
      // Held at `simMs`: the input is replayed at that moment, so it must act at exactly that moment.
      result = this.clock.hold(act);
    } finally {
      this.inputDepth--;
    }
    sink.append({ simMs, wallMs: Date.now(), input: input(), ...(checkpoint ? { checkpoint } : {}) });
    return result;
  }

  /** Whether the drill is being rebuilt from its inputs. */
  get isReplaying(): boolean {
    return this.replaying;
  }

  /**
   * Rebuilding from inputs: the clock moves only as the replay moves it, the journal stamps
   * entries with `wallAt()`, and alerts are not delivered a second time.
   */
  beginReplay(wallAt: () => number): void {
    this.replaying = true;
    this.journalWall = wallAt;
  }

  /** Rebuilt: a running realtime drill follows the wall clock again from where the replay left it. */
  endReplay(): void {
    this.replaying = false;
    this.journalWall = Date.now;
    if (this.running) this.clock.start();
  }

  private scheduleTick(): void {
    this.clock.setTimeout(() => {
      if (!this.running) return;
      this.tick();
      this.scheduleTick();
    }, TICK_MS);
  }

  private tick(): void {
    this.applyHappenings();
    this.world.step(this.drivers());
    for (const event of this.world.takeServiceEvents()) this.serviceActed(event);
    if (this.world.draining && this.world.drainComplete()) this.completeDrain();
    this.checkResolution();
    this.watchSeverity();
    this.impact.step(this.runningSpecs(), this.world.readings());
    this.ticks++;
    if (this.ticks % observeEveryTicks === 0) {
      const observed = { type: 'world.observed' as const, readings: this.world.readings(), simMs: this.clock.now() };
      this.actor.send(observed);
      for (const fault of this.faults) fault.actor.send(observed);
      // A scrape the exporter failed leaves a gap in the dashboard's series, as in Prometheus.
      this.series.sample(this.world, this.clock.now(), this.failedScrape() === undefined);
    }
  }

  /** The specs of the scenario and every injected fault (none for the healthy baseline). */
  private runningSpecs(): ScenarioSpec[] {
    const specs: ScenarioSpec[] = [];
    if (this.scenario.spec) specs.push(this.scenario.spec);
    for (const fault of this.faults) if (fault.scenario.spec) specs.push(fault.scenario.spec);
    return specs;
  }

  /** Every running machine with its spec: the scenario's, then each injected fault's. */
  private runningFaults(): Array<RunningFault & { actor: Actor<AnyStateMachine> }> {
    const main = { spec: this.scenario.spec, actor: this.actor, context: this.actor.getSnapshot().context as ScenarioContext };
    return [main, ...this.faults.map((fault) => ({ spec: fault.scenario.spec, actor: fault.actor, context: fault.actor.getSnapshot().context as ScenarioContext }))];
  }

  /**
   * Applies what the scenarios had others do since the last tick (a deploy, a config change, a
   * message, a status page), each once and in order, and journals it as the world's.
   */
  private applyHappenings(): void {
    for (const { actor, context } of this.runningFaults()) {
      const happenings = (context as ScenarioContext).happenings;
      const applied = this.appliedHappenings.get(actor) ?? 0;
      if (happenings.length === applied) continue;
      for (const happening of happenings.slice(applied)) {
        const detail = this.world.applyHappening(happening);
        this.journal.record({ source: 'world', action: `outside.${happening.kind}`, outcome: 'info', detail });
      }
      this.appliedHappenings.set(actor, happenings.length);
    }
  }

  /** Checks the resolved condition; journals when the incident becomes resolved or relapses. */
  private checkResolution(): void {
    const faults = this.runningFaults();
    const change = this.resolutionTracker.update(faults, this.world.readings(), this.clock.now());
    if (change === undefined || faults.every((fault) => fault.spec === null)) return;
    const { condition } = this.resolutionTracker.current();
    this.journal.record({ source: 'world', action: change === 'resolved' ? 'incident.resolved' : 'incident.relapsed', outcome: 'info', detail: { condition } });
  }

  /** Journals the engine's assessment when it changes (a drill with no incident has none to follow). */
  private watchSeverity(): void {
    if (this.scenario.spec === null && this.faults.length === 0) return;
    const facts = this.severityFacts();
    const assessed = this.severityWatch.update(assessSeverity(facts), facts, this.clock.now());
    if (assessed !== undefined) this.journal.record({ source: 'world', action: 'severity.assessed', outcome: 'info', detail: { ...assessed } });
  }

  /** Where the incident stands against its resolved condition. */
  resolution(): Resolution {
    return this.resolutionTracker.current();
  }

  private completeDrain(): void {
    const durationMs = this.clock.now() - this.world.drainStartedMs;
    this.world.finishDrain();
    this.journal.record({ source: 'world', action: 'drain.completed', outcome: 'info', detail: { durationMs } });
    this.notify({ type: 'drain.completed' });
    for (const waiter of this.drainWaiters) waiter();
    this.drainWaiters.clear();
  }

  /**
   * The service did something on its own: turned speculation off (auto-protection) or finished
   * an integrity scan. Journaled as the world's, and told to the scenario like a responder's act.
   */
  private serviceActed(event: WorldEventBody): void {
    if (event.type === 'config.changed') {
      const auto = this.world.autoDisabled;
      this.journal.record({ source: 'world', action: 'speculation.auto_disabled', outcome: 'info', detail: { changes: event.changes, rollbackRate: auto?.rollbackRate ?? null } });
    } else if (event.type === 'integrity.checked') {
      const result = this.world.lastOnDemandScan;
      this.journal.record({ source: 'world', action: 'integrity.checked', outcome: 'info', detail: { full: event.full, inconsistentRecords: result?.inconsistentRecords ?? 0 } });
      for (const waiter of this.integrityWaiters) waiter();
      this.integrityWaiters.clear();
    }
    this.notify(event);
  }

  /**
   * Runs an on-demand integrity check (or joins the one running) and waits for its result the
   * way a drain is waited for: on the virtual clock the clock skips to the scan's end; on the
   * realtime clock the request waits up to `waitWallMs` and then answers that it is running.
   */
  async checkIntegrity(full: boolean, waitWallMs: number): Promise<{ scan: IntegrityScan; result: IntegrityScanResult | undefined; previousFull: IntegrityScanResult | undefined }> {
    // The world of this request: a reset while it waits builds another, whose scans are not this one.
    const world = this.world;
    const previousFull = world.lastFullScan;
    const scan = world.startIntegrityScan(full);
    const finished = () => world.integrityScanResult(scan.seq);
    if (this.clock.mode === 'virtual') {
      this.skipUntil(() => finished() !== undefined, integrityScanMs.full + TICK_MS, 'waiting for integrity check');
    } else if (finished() === undefined && this.running) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.integrityWaiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, waitWallMs);
        this.integrityWaiters.add(done);
      });
    }
    return { scan, result: finished(), previousFull };
  }

  /**
   * The scrape gap `/metrics` is in now, if any: the seed's schedule, but only while the service
   * is under pressure (an alert firing). A quiet service, before the page or once it has
   * recovered, answers every scrape.
   */
  failedScrape(): ScrapeGap | undefined {
    if (this.scrapeGaps.chance <= 0 || this.world.alerts.firing().length === 0) return undefined;
    return this.scrapeGaps.at(this.clock.now());
  }

  /** Resolves when the drain in progress completes. */
  whenDrained(): Promise<void> {
    if (!this.world.draining) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.add(resolve));
  }

  /**
   * Skips simulated time a tick at a time until `done()` holds or `maxMs` has passed, so a
   * request that waits on simulated time never hangs; one journal entry shows the whole skip.
   * On the realtime clock the drill then goes on at its speed from where the skip stopped.
   */
  skipUntil(done: () => boolean, maxMs: number, reason: string): boolean {
    let reached = 0;
    this.asInput(
      () => ({ kind: 'skip', toMs: reached, reason }),
      () => {
        const { fromMs, toMs } = this.clock.advanceUntil(done, maxMs, TICK_MS);
        reached = toMs;
        if (toMs > fromMs) this.journalSkip(fromMs, toMs, toMs - fromMs, reason);
      },
    );
    return done();
  }

  /** A skip replayed: to where the recorded one stopped (its condition is the request's, not kept). */
  skipTo(targetMs: number, reason: string): void {
    const { fromMs, toMs } = this.clock.advanceTo(targetMs);
    if (toMs > fromMs) this.journalSkip(fromMs, toMs, toMs - fromMs, reason);
  }

  private journalSkip(fromMs: number, toMs: number, ms: number, reason: string): void {
    this.journal.record({ source: 'sim', action: 'clock.skip', outcome: 'info', detail: { fromMs, toMs, ms, reason } });
  }

  /**
   * Tells the scenario what the responder did. Returns why it hurt, when the scenario judged the
   * action harmful (the runbook forbids it, or it spread the damage).
   */
  notify(event: WorldEventBody): string | undefined {
    // An event no state of the scenario handles changes nothing; skipping the send keeps
    // xstate's macrostep off the admin API's hot path (measured ~15% of its throughput).
    const handled = this.handledEvents.has(event.type);
    if (!handled && !this.faults.some((fault) => fault.handledEvents.has(event.type))) return undefined;
    const before = new Set(this.harmfulActions());
    const sent = { ...event, simMs: this.clock.now() };
    if (handled) this.actor.send(sent);
    for (const fault of this.faults) if (fault.handledEvents.has(event.type)) fault.actor.send(sent);
    const added = this.harmfulActions().filter((harm) => !before.has(harm));
    return added.length > 0 ? added.map((harm) => harm.why).join('; ') : undefined;
  }

  /** Records an entry from outside the drill (a request, a game-day's note): an input, since only the inputs rebuild it. */
  record(input: JournalInput): void {
    this.asInput(
      () => ({ kind: 'journal', entry: input }),
      () => this.journal.record(input),
    );
  }

  /** The facts of the scenario and every injected fault that readings cannot show: the region, the workaround. */
  incidentFacts(): IncidentFacts {
    let facts = (this.actor.getSnapshot().context as ScenarioContext).facts;
    for (const fault of this.faults) facts = combineFacts(facts, (fault.actor.getSnapshot().context as ScenarioContext).facts);
    return facts;
  }

  /** The primary region and its local time at a simulated moment (now by default). */
  regionNow(simMs = this.clock.now()): { region: PrimaryRegion; local: LocalTime } {
    const region = this.incidentFacts().primaryRegion;
    return { region, local: localTime(region, this.epochMs + simMs) };
  }

  /** What the severity engine is given now: each fact from something a responder can look at. */
  severityFacts(): SeverityFacts {
    return liveSeverityFacts(this.world.readings(), this.incidentFacts(), this.epochMs);
  }

  /** The severity the runbook's engine expects now, from the readings and the facts of every running fault. */
  severityAssessment(): SeverityAssessment {
    return assessSeverity(this.severityFacts());
  }

  expectedSeverity(): string {
    return this.severityAssessment().severity;
  }

  phase(): string {
    return this.lastPhase;
  }

  /**
   * The alerts that page for the running incidents (the scenario's and each injected fault's
   * `alertRules`): what acknowledging the page, fast-forward and the scorer take for the page.
   * Any other alert that fires (a platform warning beside the incident) is for the responder to
   * judge, and is never the page.
   */
  pageAlerts(): string[] {
    return [this.scenario.spec, ...this.faults.map((fault) => fault.scenario.spec)].flatMap((spec) => (spec ? alertNames(spec) : []));
  }

  /** The page alerts firing now: what makes a stretch not quiet, and what the facilitator sees as paging. */
  pagingNow(): string[] {
    const pages = new Set(this.pageAlerts());
    return this.world.alerts.firing().filter((alert) => pages.has(alert));
  }

  harmfulActions(): ScenarioContext['harmful'] {
    const own = (this.actor.getSnapshot().context as ScenarioContext).harmful;
    if (this.faults.length === 0) return own;
    return [...own, ...this.faults.flatMap((fault) => (fault.actor.getSnapshot().context as ScenarioContext).harmful)];
  }

  /** Simulated time as a wall-clock instant. */
  simDate(simMs = this.clock.now()): Date {
    return new Date(this.epochMs + simMs);
  }

  /**
   * Skips simulated time forward, journaling the skip (why, and how far). Used by the control
   * API and by requests that would otherwise wait on simulated time. On the realtime clock the
   * drill then goes on at its speed from the new moment.
   */
  skipTime(ms: number, reason: string): void {
    this.asInput(
      () => ({ kind: 'advance', ms, reason }),
      () => {
        const { fromMs, toMs } = this.clock.advanceBy(ms);
        this.journalSkip(fromMs, toMs, ms, reason);
      },
    );
  }
}
