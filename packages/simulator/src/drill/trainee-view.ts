/**
 * What a trainee may see of a drill: the clock, the pager's alerts, the readings a dashboard
 * shows, pods, config and recent logs, but not the scenario's name or its phase.
 */
import type { Readings } from '@gameday/scenarios';
import type { Drill } from './drill';

export interface TraineeView {
  clock: { mode: string; simMs: number; simTime: string; speed: number; paused: boolean };
  alerts: Array<{ name: string; runbook: string; trigger: string; state: string; firedAt: string | null; value: number }>;
  readings: Readings;
  config: Record<string, boolean | number | string>;
  deployments: Array<{ name: string; desired: number; ready: number }>;
  pods: Array<{ name: string; deployment: string; status: string; restarts: number }>;
  logs: Array<{ at: string; pod: string; level: string; message: string }>;
}

export function traineeView(drill: Drill): TraineeView {
  const world = drill.world;
  return {
    clock: { mode: drill.clock.mode, simMs: drill.clock.now(), simTime: drill.simDate().toISOString(), speed: drill.clock.speed, paused: drill.clock.isPaused },
    alerts: world.alertStates().map((alert) => ({
      name: alert.name,
      runbook: alert.runbook,
      trigger: alert.trigger,
      state: alert.state,
      firedAt: alert.firedAtMs === undefined ? null : drill.simDate(alert.firedAtMs).toISOString(),
      value: alert.value,
    })),
    readings: world.readings(),
    config: { ...world.config },
    deployments: [...world.cluster.deployments.values()].map((deployment) => ({ name: deployment.name, desired: deployment.replicas, ready: world.cluster.readyCount(deployment.name) })),
    pods: world.cluster.pods.map((pod) => ({ name: pod.name, deployment: pod.deployment, status: pod.status, restarts: pod.restarts })),
    logs: world.logs.recent(50).map((line) => ({ at: drill.simDate(line.simMs).toISOString(), pod: line.pod, level: line.level, message: line.message })),
  };
}
