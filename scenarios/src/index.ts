export { baselineMachine, baselineScenario } from './baseline';
export { scenarios, scenarioIds, findScenario } from './scenario-registry';
export { healthyDrivers, difficulties } from './scenario-types';
export { seededFaker } from './seeded-faker';
export type { SeededFaker } from './seeded-faker';
export type {
  Difficulty,
  Drivers,
  Phase,
  Readings,
  ScenarioContext,
  ScenarioDefinition,
  ScenarioInput,
  WorldEvent,
} from './scenario-types';
