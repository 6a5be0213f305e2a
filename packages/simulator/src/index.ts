/**
 * The simulator's front door. Other packages (the trainer UI, the end-to-end tests) import
 * from here only; the UI imports types only.
 */
export { Drill } from './drill/drill';
// The scenarios a drill can run, for tools that drive the built bundle (the bench).
export { scenarioIds } from '@gameday/scenarios';
export type { DrillOptions } from './drill/drill';
export { drillState } from './drill/drill-state';
export type { DrillState } from './drill/drill-state';
export { traineeView } from './drill/trainee-view';
export type { PageView, TimelineItem, TraineeReadings, TraineeView } from './drill/trainee-view';
export type { ChannelMessageEntry, ChannelMessagesReport, ConfigHistoryEntry, ConfigHistoryReport } from './drill/outside-reports';
export type { SeriesSample, SeriesValues } from './drill/metric-series';
export { channels, commsTemplates, escalationTargets, impactQuestions } from './drill/trainee-session';
export type { Channel, CommsTemplate, EscalationTarget, ImpactQuestionId } from './drill/trainee-session';
export type { DrillOutcome } from './drill/drill-progress';
export { SimClock } from './clock/sim-clock';
export type { ClockMode, ClockOptions, Skip } from './clock/sim-clock';
export { createServer } from './http/server';
export type { ServerOptions } from './http/server';
export { GamedayError, errorCodes } from './core/gameday-error';
export type { ErrorCode } from './core/gameday-error';
export { errorStatus } from './http/errors';
export type { ErrorBody } from './http/errors';
export { configKeys, configKeyNames, defaultConfig, describeConfigKeys, parseConfigChanges } from './world/config-schema';
export type { ConfigKey, ConfigValue, SpeculationConfig } from './world/config-schema';
export { alertRules } from './world/alerts';
export type { AlertState } from './world/alerts';
export type { JournalEntry, JournalSource, JournalOutcome, JournalCounters } from './journal/journal';
export type {
  IntegrityReport,
  IntegrityStatus,
  ProofWorkerReport,
  RegionReport,
  RollbacksReport,
  SlashingHistoryReport,
  SlashingReportEvent,
  StakeReport,
  StatusReport,
  StuckReport,
} from './drill/service-reports';
export { envLines, writeDrillWorkspace, readServeRecord, runbookPort } from './drill/drill-workspace';
export type { ServeRecord } from './drill/drill-workspace';
export { checkRunbook, CheckUsageError } from './check/runbook-check';
export type { CheckOptions, CheckProgress, CheckReport, SectionResult, StepResult } from './check/runbook-check';
export { toJunitXml } from './check/check-report';
export { parseRunbook } from './check/runbook-parser';
export type { ParsedRunbook, RunbookSection } from './check/runbook-parser';
export { scoreJournal } from './scoring/drill-scorer';
export type { DrillScore, ScoreDimension } from './scoring/drill-scorer';
export { scoringWeights } from './scoring/scoring-weights';
export { debriefOf, finishDrill } from './scoring/drill-debrief';
export { clearCounterfactualCache } from './scoring/counterfactual-runs';
export { applyIntent } from './drill/responder-intents';
export { liveOptions, replayDrill } from './drill/drill-inputs';
export { advanceClock } from './drill/clock-controls';
export type { Debrief, PathStep } from './scoring/drill-debrief';
export type { BranchComparison, GhostComparison, RewindView, RunSummary } from './scoring/drill-rewind';
export { postmortemDraft } from './scoring/postmortem-draft';
export { SqliteDrillStore } from './storage/sqlite-drill-store';
export { PostgresDrillStore } from './storage/postgres-drill-store';
export { StoreError } from './storage/drill-store';
export type { AttendanceRow, DrillStore, FinishedDrill, LeaderboardRow, LeaderboardQuery, LeaseRecord, LiveDrillRecord, ScheduleFiring, ScheduleRecord, SessionRecord } from './storage/drill-store';
export { LeaseKeeper, tokenHash, advertiseHost, leaseTtlMs, leaseRenewMs, leaseScanMs } from './gameday/lease-keeper';
export { createServiceMetrics } from './metrics/service-metrics';
export type { SessionSummary, TeamStanding } from './gameday/game-day-hub';
export { GameDayScheduler, windowOffsetMs, type SchedulerClock, type ScheduleFiringView, type ScheduleView } from './gameday/game-day-scheduler';
export type { TeamResult, ParticipantResult } from './gameday/team-results';
export type { SessionView } from './drill/trainee-view';
export { roles } from './gameday/session-roles';
export type { Role, Permission } from './gameday/session-roles';
