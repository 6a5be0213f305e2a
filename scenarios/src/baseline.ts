/**
 * The healthy baseline: normal load with its daily noise, nothing broken. The world's own
 * physics still answers every action (disabling speculation stops it, a scale converges), so
 * the runbook's commands can be rehearsed and checked here without an incident.
 */
import { setup } from 'xstate';
import { primaryRegions } from './primary-region';
import { noIncidentFacts } from './scenario-spec';
import { healthyDrivers, type ScenarioContext, type ScenarioDefinition, type ScenarioInput, type WorldEvent } from './scenario-types';

export const baselineMachine = setup({
  types: {
    context: {} as ScenarioContext,
    events: {} as WorldEvent,
    input: {} as ScenarioInput,
  },
}).createMachine({
  id: 'baseline',
  // A region of its own per seed, so a rehearsal shows a local time like a drill does.
  context: ({ input }) => ({
    drivers: { ...healthyDrivers },
    harmful: [],
    facts: { ...noIncidentFacts, primaryRegion: primaryRegions[Math.abs(Math.trunc(input.seed)) % primaryRegions.length]! },
    expected: null,
    // Nothing is broken: the baseline is resolved from the start.
    causeFixed: true,
    happenings: [],
  }),
  initial: 'healthy',
  states: {
    healthy: {},
  },
});

export const baselineScenario: ScenarioDefinition = {
  id: 'baseline',
  incident: null,
  title: 'Healthy baseline',
  summary: 'A normal day: nothing is broken. Rehearse the runbook commands and learn what healthy looks like.',
  difficulty: 'easy',
  machine: baselineMachine,
  spec: null,
};
