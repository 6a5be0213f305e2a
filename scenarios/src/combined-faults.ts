/**
 * Two faults at once: a game-day facilitator may inject a second incident into a running drill
 * (a proof backlog on top of a rollback storm). Each fault keeps its own machine; the world is
 * driven by their drivers combined, the severity engine sees their facts combined, and the
 * responder is judged against both specs.
 */
import type { IncidentFacts, ScenarioSpec } from './scenario-spec';
import type { Drivers } from './scenario-types';

/**
 * The drivers of faults happening together: rates add up (two leaks leak twice as fast),
 * multipliers and pressures take the worse, flags hold when either holds.
 */
export function combineDrivers(first: Drivers, second: Drivers): Drivers {
  const crashing: Record<string, number> = { ...first.crashingDeployments };
  for (const [deployment, perHour] of Object.entries(second.crashingDeployments)) crashing[deployment] = Math.max(crashing[deployment] ?? 0, perHour);
  return {
    loadMultiplier: Math.max(first.loadMultiplier, second.loadMultiplier),
    cascadePressure: Math.max(first.cascadePressure, second.cascadePressure),
    cascadeSource: first.cascadeSource ?? second.cascadeSource,
    memoryLeakBytesPerSec: first.memoryLeakBytesPerSec + second.memoryLeakBytesPerSec,
    // A leak with no release of its own leaks on every pod, whatever the other fault's release.
    leakingImage: first.memoryLeakBytesPerSec > 0 && second.memoryLeakBytesPerSec > 0 && first.leakingImage !== second.leakingImage ? null : (first.leakingImage ?? second.leakingImage),
    workingSetMultiplier: Math.max(first.workingSetMultiplier, second.workingSetMultiplier),
    snapshotSweeperStalled: first.snapshotSweeperStalled || second.snapshotSweeperStalled,
    proofInflowMultiplier: Math.max(first.proofInflowMultiplier, second.proofInflowMultiplier),
    proofStuckPerMin: first.proofStuckPerMin + second.proofStuckPerMin,
    proofWorkerCrashing: first.proofWorkerCrashing || second.proofWorkerCrashing,
    faultyProofRelease: first.faultyProofRelease ?? second.faultyProofRelease,
    stuckTasksPerMin: first.stuckTasksPerMin + second.stuckTasksPerMin,
    corruptionPerMin: first.corruptionPerMin + second.corruptionPerMin,
    slashingPerHour: first.slashingPerHour + second.slashingPerHour,
    slashAmount: Math.max(first.slashAmount, second.slashAmount),
    crashingDeployments: crashing,
    misleadingLogs: [...new Set([...first.misleadingLogs, ...second.misleadingLogs])],
    background: { logVolumeFill: first.background.logVolumeFill || second.background.logVolumeFill, noisyNeighbour: first.background.noisyNeighbour || second.background.noisyNeighbour },
  };
}

/**
 * The facts of faults happening together: the first incident's service (and so its primary
 * region), and a workaround only when both have one (the first's, to show).
 */
export function combineFacts(first: IncidentFacts, second: IncidentFacts): IncidentFacts {
  return { primaryRegion: first.primaryRegion, workaround: first.workaround !== null && second.workaround !== null ? first.workaround : null };
}

/**
 * One spec for a drill with injected faults: the first incident's identity and conditions, the
 * alerts, required actions, harmful actions, recovery steps and escalations of all (each counts once).
 */
export function combineSpecs(first: ScenarioSpec, ...more: ScenarioSpec[]): ScenarioSpec {
  const spec: ScenarioSpec = {
    ...first,
    alertRules: [...first.alertRules],
    requiredActions: [...first.requiredActions],
    harmfulActions: [...first.harmfulActions],
    recovery: [...first.recovery],
    escalateTo: [...first.escalateTo],
  };
  for (const other of more) {
    for (const rule of other.alertRules) if (!spec.alertRules.some((known) => known.name === rule.name)) spec.alertRules.push(rule);
    for (const step of other.recovery) if (!spec.recovery.some((known) => known.id === step.id)) spec.recovery.push(step);
    for (const target of other.escalateTo) if (!spec.escalateTo.includes(target)) spec.escalateTo.push(target);
    spec.stabiliseFirst ||= other.stabiliseFirst;
    for (const action of other.requiredActions) {
      if (spec.requiredActions.some((known) => known.id === action.id || known.command === action.command)) continue;
      // The runbook's order is within one section; across sections the actions are unordered.
      const { order: _order, ...unordered } = action;
      spec.requiredActions.push({ ...unordered, id: `${other.incident}:${action.id}` });
    }
    for (const harm of other.harmfulActions) if (!spec.harmfulActions.some((known) => known.id === harm.id)) spec.harmfulActions.push(harm);
  }
  return spec;
}
