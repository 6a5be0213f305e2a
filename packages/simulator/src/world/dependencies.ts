/**
 * The services the speculation engine reads from (RPC nodes, oracle price feeds, the proof
 * store), and how each looks from the engine's side: requests a minute, the share that failed,
 * p99 latency and the last error its client logged. The list is seeded and stable for a drill;
 * a dependency that fails in a scenario is one of them under its real endpoint. Numbers come
 * from the world (load, the failing dependency's mode) with seeded jitter that holds for a
 * minute, like a dashboard's one-minute window. Nothing here says which one matters.
 */
import type { DependencyFailure } from '@gameday/scenarios';
import { createRng, hashString } from './random';

export type DependencyKind = 'rpc-node' | 'oracle-feed' | 'proof-store';

export interface Dependency {
  endpoint: string;
  owner: string;
  kind: DependencyKind;
  /** Requests a minute at normal load. */
  baseRequestsPerMin: number;
  /** Share of requests that fail on a normal day (retried, harmless). */
  baseErrorRate: number;
  baseP99Ms: number;
}

/** Who owns an endpoint, by how it is named: the chain's JSON-RPC port, the price feeds, the store. */
export function dependencyOwnerOf(endpoint: string): { owner: string; kind: DependencyKind } {
  if (endpoint.endsWith(':8545')) return { owner: 'chain-infra', kind: 'rpc-node' };
  if (endpoint.startsWith('price-feed') || endpoint.startsWith('oracle')) return { owner: 'oracle-team', kind: 'oracle-feed' };
  return { owner: 'storage-team', kind: 'proof-store' };
}

const feedVendors = ['chainlink', 'pyth', 'redstone', 'band', 'api3'] as const;

/** Normal-day numbers for a dependency of a kind, drawn once from the drill's seed. */
function baseline(kind: DependencyKind, draw: () => number): Pick<Dependency, 'baseRequestsPerMin' | 'baseErrorRate' | 'baseP99Ms'> {
  switch (kind) {
    case 'rpc-node':
      return { baseRequestsPerMin: Math.round(900 + draw() * 1500), baseErrorRate: 0.0005 + draw() * 0.002, baseP99Ms: Math.round(45 + draw() * 80) };
    case 'oracle-feed':
      return { baseRequestsPerMin: Math.round(120 + draw() * 360), baseErrorRate: 0.0003 + draw() * 0.0015, baseP99Ms: Math.round(90 + draw() * 140) };
    case 'proof-store':
      return { baseRequestsPerMin: Math.round(200 + draw() * 300), baseErrorRate: 0.0002 + draw() * 0.001, baseP99Ms: Math.round(30 + draw() * 40) };
  }
}

/**
 * The drill's dependencies: three RPC nodes, two price feeds and the proof store, named from
 * the seed (with their own random sequence, so the world's other draws are untouched), plus
 * the endpoints a scenario names (`known`), each in the place of a seeded one of its kind so
 * the list looks the same with or without a failing one.
 */
export function seededDependencies(seed: number, known: readonly string[]): Dependency[] {
  const rng = createRng(seed ^ 0xdeb5eed);
  const region = rng.pick(['eu-west', 'us-east', 'ap-south'] as const);
  const vendors = [...feedVendors];
  const endpoints = [
    `rpc-${region}-${rng.int(1, 3)}.chain.internal:8545`,
    `rpc-${region}-${rng.int(4, 6)}.chain.internal:8545`,
    `archive-${rng.int(1, 4)}.chain.internal:8545`,
    `price-feed-${rng.int(1, 9)}.${vendors.splice(rng.int(0, vendors.length - 1), 1)[0]!}.internal:443`,
    `price-feed-${rng.int(1, 9)}.${vendors.splice(rng.int(0, vendors.length - 1), 1)[0]!}.internal:443`,
    `proof-store.storage.internal:9000`,
  ];
  const replaced = new Set<number>();
  for (const endpoint of known) {
    if (endpoints.includes(endpoint)) continue;
    const { kind } = dependencyOwnerOf(endpoint);
    const slot = endpoints.findIndex((candidate, index) => !replaced.has(index) && dependencyOwnerOf(candidate).kind === kind);
    if (slot >= 0) {
      endpoints[slot] = endpoint;
      replaced.add(slot);
    } else {
      endpoints.push(endpoint);
    }
  }
  return endpoints.map((endpoint) => {
    const { owner, kind } = dependencyOwnerOf(endpoint);
    // The baseline comes from the endpoint's name, so a replaced slot does not shift the others.
    const rng = createRng(hashString(endpoint, seed >>> 0));
    return { endpoint, owner, kind, ...baseline(kind, () => rng.next()) };
  });
}

export interface DependencyReading {
  requestsPerMin: number;
  errorRate: number;
  p99Ms: number;
  /** The last error the engine's client logged for it, with when; null if none in the drill. */
  lastError: { simMs: number; message: string } | null;
}

/** The harmless error a healthy dependency's client logs now and then (retried, succeeded). */
function routineError(dependency: Dependency): string {
  switch (dependency.kind) {
    case 'rpc-node':
      return `read ${dependency.endpoint}: connection reset by peer (retried, ok)`;
    case 'oracle-feed':
      return `read ${dependency.endpoint}: HTTP 503 (retried, ok)`;
    case 'proof-store':
      return `put ${dependency.endpoint}: HTTP 500 SlowDown (retried, ok)`;
  }
}

/**
 * One dependency as the engine sees it over the last minute. `failing` is the scenario's
 * failure when this is the failing dependency; `lastFailure` when it failed earlier in the drill.
 */
export function dependencyReading(
  dependency: Dependency,
  input: {
    seed: number;
    nowMs: number;
    loadMultiplier: number;
    /** How it is failing now: the mode, what its client logs of it, and the client's timeout. */
    failing: { mode: DependencyFailure['mode']; message: string; timeoutMs: number } | null;
    lastFailure: { simMs: number; message: string } | null;
  },
): DependencyReading {
  const minute = Math.floor(input.nowMs / 60_000);
  const jitter = createRng(hashString(`${dependency.endpoint}@${minute}`, input.seed >>> 0));
  const requestsPerMin = Math.max(0, Math.round(dependency.baseRequestsPerMin * input.loadMultiplier * (1 + jitter.gauss(0.04))));
  const failing = input.failing;
  if (failing) {
    const errorRate = failing.mode === 'refused' ? 0.94 + jitter.range(0, 0.05) : failing.mode === 'timeout' ? 0.38 + jitter.range(0, 0.2) : 0.22 + jitter.range(0, 0.12);
    const p99Ms = failing.mode === 'timeout' ? failing.timeoutMs : failing.mode === 'refused' ? Math.round(2 + jitter.range(0, 4)) : Math.round(dependency.baseP99Ms * (1.1 + jitter.range(0, 0.3)));
    return { requestsPerMin, errorRate: round4(errorRate), p99Ms, lastError: { simMs: input.nowMs - jitter.int(0, 999), message: failing.message } };
  }
  const errorRate = round4(Math.max(0, dependency.baseErrorRate * (1 + jitter.gauss(0.3))));
  const p99Ms = Math.round(dependency.baseP99Ms * (1 + Math.abs(jitter.gauss(0.12))));
  // A healthy client still logs the odd retried error, at seeded moments every 7 to 40 minutes.
  const period = (7 + (hashString(dependency.endpoint, input.seed >>> 0) % 34)) * 60_000;
  const offset = hashString(`${dependency.endpoint}#offset`, input.seed >>> 0) % period;
  const routine = { simMs: Math.floor((input.nowMs - offset) / period) * period + offset, message: routineError(dependency) };
  const lastError = input.lastFailure && input.lastFailure.simMs >= routine.simMs ? input.lastFailure : routine;
  return { requestsPerMin, errorRate, p99Ms, lastError };
}

const round4 = (value: number) => Math.round(value * 10_000) / 10_000;
