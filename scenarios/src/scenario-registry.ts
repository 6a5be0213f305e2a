/** Every scenario the simulator can run, by id. A new scenario is one file plus a line here. */
import { baselineScenario } from './baseline';
import { gatewayCrashloopScenario } from './gateway-crashloop';
import { memoryExhaustionScenario } from './memory-exhaustion';
import { proofBacklogScenario } from './proof-backlog';
import { rollbackStormScenario } from './rollback-storm';
import type { ScenarioDefinition } from './scenario-types';
import { stakeSlashingScenario } from './stake-slashing';
import { stateCorruptionScenario } from './state-corruption';

export const scenarios: readonly ScenarioDefinition[] = [
  baselineScenario,
  rollbackStormScenario,
  memoryExhaustionScenario,
  proofBacklogScenario,
  stateCorruptionScenario,
  stakeSlashingScenario,
  gatewayCrashloopScenario,
];

export const scenarioIds = scenarios.map((scenario) => scenario.id);

export function findScenario(id: string): ScenarioDefinition | undefined {
  return scenarios.find((scenario) => scenario.id === id);
}

/** The scenario that drills a runbook section (INC-SPEC-00N). */
export function scenarioForIncident(incident: string): ScenarioDefinition | undefined {
  return scenarios.find((scenario) => scenario.incident === incident);
}
