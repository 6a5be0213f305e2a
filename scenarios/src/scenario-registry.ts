/** Every scenario the simulator can run, by id. A new scenario is one file plus a line here. */
import { baselineScenario } from './baseline';
import type { ScenarioDefinition } from './scenario-types';

export const scenarios: readonly ScenarioDefinition[] = [baselineScenario];

export const scenarioIds = scenarios.map((scenario) => scenario.id);

export function findScenario(id: string): ScenarioDefinition | undefined {
  return scenarios.find((scenario) => scenario.id === id);
}
