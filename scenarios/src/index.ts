export { baselineMachine, baselineScenario } from './baseline';
export { rollbackStormMachine, rollbackStormScenario, rollbackStormSpec, rollbackStormVariant } from './rollback-storm';
export { memoryExhaustionMachine, memoryExhaustionScenario, memoryExhaustionSpec, memoryExhaustionVariant } from './memory-exhaustion';
export { proofBacklogMachine, proofBacklogScenario, proofBacklogSpec, proofBacklogVariant } from './proof-backlog';
export { stateCorruptionMachine, stateCorruptionScenario, stateCorruptionSpec, stateCorruptionVariant } from './state-corruption';
export { stakeSlashingMachine, stakeSlashingScenario, stakeSlashingSpec, stakeSlashingVariant, significantLossTokens } from './stake-slashing';
export { scenarios, scenarioIds, findScenario, scenarioForIncident } from './scenario-registry';
export { healthyDrivers, difficulties } from './scenario-types';
export { seededFaker } from './seeded-faker';
export { assessSeverity, calmFacts, severities, worse } from './severity';
export { combineDrivers, combineFacts, combineSpecs } from './combined-faults';
export { liveSeverity, liveSeverityFacts, matchesAction, noIncidentFacts, readingsSatisfy, routeOf } from './scenario-spec';
export type { SeededFaker } from './seeded-faker';
export type { Severity, SeverityAssessment, SeverityFacts } from './severity';
export type {
  ActionMatcher,
  ActionRecord,
  Condition,
  HarmfulAction,
  HttpMethod,
  IncidentFacts,
  ReadingCondition,
  RequiredAction,
  ScenarioSpec,
} from './scenario-spec';
export type {
  Difficulty,
  Drivers,
  Phase,
  Readings,
  ScenarioContext,
  ScenarioDefinition,
  ScenarioInput,
  WorldEvent,
  WorldEventBody,
} from './scenario-types';
