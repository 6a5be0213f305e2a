export { baselineMachine, baselineScenario } from './baseline';
export { rollbackAutoProtect, rollbackStormMachine, rollbackStormScenario, rollbackStormSpec, rollbackStormVariant, timedOutShare } from './rollback-storm';
export { memoryExhaustionMachine, memoryExhaustionScenario, memoryExhaustionSpec, memoryExhaustionVariant } from './memory-exhaustion';
export { proofBacklogMachine, proofBacklogScenario, proofBacklogSpec, proofBacklogVariant } from './proof-backlog';
export { looseValidationCorruptionPerMin, stateCorruptionMachine, stateCorruptionScenario, stateCorruptionSpec, stateCorruptionVariant } from './state-corruption';
export { doubleSignPenaltyTokens, duplicateSignerSlashingPerHour, lateSigningSlackMs, lateSigningSlashingPerHour, stakeSlashingMachine, stakeSlashingScenario, stakeSlashingSpec, stakeSlashingVariant } from './stake-slashing';
export { scenarios, scenarioIds, findScenario, scenarioForIncident } from './scenario-registry';
export { healthyDrivers, difficulties } from './scenario-types';
export { seededFaker } from './seeded-faker';
export { assessSeverity, calmFacts, severities, significantLossTokens, worse } from './severity';
export { businessHoursWindow, defaultPrimaryRegion, isBusinessHours, localTime, primaryRegions, seededEpochMs } from './primary-region';
export type { LocalTime, PrimaryRegion } from './primary-region';
export { combineDrivers, combineFacts, combineSpecs } from './combined-faults';
export { alertNames, escalationTargets, growthOf, liveSeverity, liveSeverityFacts, matchesAction, matrixEscalations, noIncidentFacts, normalDemandPerSec, normalSettings, operationsHurtPerSecond, proofQueueCapacity, readingsSatisfy, routeOf, speculationShortfall } from './scenario-spec';
export type { SeededFaker } from './seeded-faker';
export type { Severity, SeverityAssessment, SeverityFacts } from './severity';
export type {
  ActionMatcher,
  ActionRecord,
  AlertRuleSpec,
  ChartedReading,
  CauseSpec,
  Condition,
  EscalationTarget,
  HarmfulAction,
  HttpMethod,
  ImpactSpec,
  IncidentFacts,
  ReadingCondition,
  RecoveryStep,
  RequiredAction,
  ScenarioSpec,
  Workaround,
} from './scenario-spec';
export type {
  DependencyFailure,
  Difficulty,
  Drivers,
  FaultyProofRelease,
  Happening,
  Phase,
  Readings,
  ScenarioContext,
  ScenarioDefinition,
  ScenarioInput,
  WorldEvent,
  WorldEventBody,
} from './scenario-types';
export { alertRulesYaml } from './alert-rules-file';
export { backgroundNoise, logGrowthPerHour, logRotateJob, logVolume, logVolumeAlert, logVolumeAlertBelow, noisyNeighbour, planRedHerrings, quietBackground, redHerringAlertRules, redHerringRunbook } from './red-herrings';
export type { BackgroundNoise, RedHerringPlan } from './red-herrings';
export { incidentBridge, incidentPeople, scriptedReplies, updateCadenceMs, type Person, type ReplyInput, type ScriptedReply } from './incident-people';
export { defaultTrackedConfig, freshFixMs, restoringTooFast, trackedConfigAfter } from './incident-kit';
export type { TrackedConfig } from './incident-kit';
export { scenarioTableMarkdown, withScenarioTable } from './scenario-docs';
