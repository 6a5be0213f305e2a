/**
 * A responder's shell and the facilitator's clock against a served drill, for the lifecycle
 * tests: a command in real bash that must succeed, kubectl with a discovery cache of its own each
 * run (real kubectl caches discovery for hours), the runbook's config change as curl sends it,
 * and the control API's clock.
 */
import { expect } from 'vitest';
import type { ServedSimulator } from './served-simulator';

let kubectlRuns = 0;

/** Runs `command` in the drill's bash; it must exit 0. Returns its standard output. */
export function ok(server: ServedSimulator, command: string): string {
  const result = server.bash(command);
  expect(result.status, `${command}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result.stdout;
}

/** Real kubectl with the drill's kubeconfig and a fresh discovery cache; it must exit 0. */
export function kubectl(server: ServedSimulator, args: string): string {
  kubectlRuns++;
  return ok(server, `kubectl --cache-dir ${JSON.stringify(`${server.dataDir}/kube-cache-${kubectlRuns}`)} ${args}`);
}

/** The runbook's config change, as its curl line sends it (`-sf`: an error status fails the command). */
export const configCommand = (changes: Record<string, unknown> | string) =>
  `curl -sf -X POST http://localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN" -d '${typeof changes === 'string' ? changes : JSON.stringify(changes)}'`;

/** The drill's state from the control API. */
export const drillState = <State>(server: ServedSimulator) => server.control<State>('GET', '/_sim/state');

/** Moves the drill's clock on by `ms`; returns the state after. */
export const advance = <State>(server: ServedSimulator, ms: number) => server.control<State>('POST', '/_sim/clock/advance', { ms });

/** Advances `stepMinutes` at a time until `done` holds, at most `minutes` in all. */
export async function advanceUntil<State>(server: ServedSimulator, done: (state: State) => boolean | Promise<boolean>, minutes: number, stepMinutes = 1): Promise<State> {
  let state = await drillState<State>(server);
  for (let minute = 0; minute < minutes && !(await done(state)); minute += stepMinutes) state = await advance<State>(server, stepMinutes * 60_000);
  return state;
}

/** The same, bound to the test's current server (`current()`), for suites that keep one in a variable. */
export function drillShell<State>(current: () => ServedSimulator) {
  return {
    bash: (command: string) => ok(current(), command),
    kubectl: (args: string) => kubectl(current(), args),
    config: (changes: Record<string, unknown> | string) => ok(current(), configCommand(changes)),
    state: () => drillState<State>(current()),
    advance: (ms: number) => advance<State>(current(), ms),
    advanceUntil: (done: (state: State) => boolean | Promise<boolean>, minutes: number, stepMinutes = 1) => advanceUntil<State>(current(), done, minutes, stepMinutes),
  };
}
