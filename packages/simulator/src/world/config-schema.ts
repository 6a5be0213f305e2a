/**
 * The speculation service's runtime configuration: the keys `POST /admin/config` accepts, their
 * types, ranges and defaults. The table is the documentation (README "Config keys") and the
 * validator; every key has an effect in the world model.
 */
import { GamedayError } from '../core/gameday-error';

type KeySpec =
  | { type: 'boolean'; default: boolean; description: string }
  | { type: 'integer' | 'number'; min: number; max: number; default: number; description: string; unit?: string }
  | { type: 'enum'; values: readonly string[]; default: string; description: string };

export const configKeys = {
  'speculation.enabled': {
    type: 'boolean',
    default: true,
    description: 'Master switch. false stops new speculative tasks at once; in-flight ones finish or are drained.',
  },
  'speculation.max_depth': {
    type: 'integer',
    min: 1,
    max: 16,
    default: 4,
    description: 'How many speculative tasks may chain on one another. Deeper chains fan out more work, hold more state, and let one rollback cascade further.',
  },
  'speculation.features.rollout_percentage': {
    type: 'number',
    min: 0,
    max: 100,
    default: 100,
    unit: '%',
    description: 'Share of eligible operations that run speculatively; the rest run the slow, safe path.',
  },
  'speculation.max_concurrent_tasks': {
    type: 'integer',
    min: 1,
    max: 100_000,
    default: 4000,
    description: 'Cap on in-flight speculative tasks; new tasks over the cap run unspeculated.',
  },
  'speculation.task_timeout_ms': {
    type: 'integer',
    min: 100,
    max: 600_000,
    default: 30_000,
    unit: 'ms',
    description: 'A speculative task still running after this long is aborted (and counted as an error).',
  },
  'speculation.commit_validation': {
    type: 'enum',
    values: ['strict', 'sampled', 'off'],
    default: 'strict',
    description: "How a speculative commit's read set is checked against the store before it lands: strict checks every commit, sampled one in eight, off none. A commit built on state a worker has since rewritten lands unchecked and leaves an inconsistent record.",
  },
  'speculation.snapshots.retention_minutes': {
    type: 'integer',
    min: 1,
    max: 1440,
    default: 20,
    unit: 'min',
    description: 'State snapshots older than this are expired by the background sweeper.',
  },
  'speculation.snapshots.max_count': {
    type: 'integer',
    min: 0,
    max: 1_000_000,
    default: 200_000,
    description: 'Hard cap on retained snapshots; past it the oldest are evicted first.',
  },
  'speculation.proof.batch_size': {
    type: 'integer',
    min: 1,
    max: 512,
    default: 32,
    description: 'Proofs a worker generates per batch. Larger batches raise throughput a little and latency a lot.',
  },
  'stake.standby_signer.enabled': {
    type: 'boolean',
    default: false,
    description: "The standby signer host signs with the validator's key too. Meant for a failover once the primary has stopped: while both sign, they sign different commits for the same slot now and then.",
  },
  'stake.signer.clock_skew_tolerance_ms': {
    type: 'integer',
    min: 0,
    max: 12_000,
    default: 500,
    unit: 'ms',
    description: "How far the signer's clock may lag the chain's slot clock and still sign. A signer lagging by less than this signs for a slot the chain has already moved past, a second, different commit for that slot.",
  },
  'speculation.log_level': {
    type: 'enum',
    values: ['debug', 'info', 'warn', 'error'],
    default: 'info',
    description: 'Verbosity of the speculation engine logs.',
  },
} as const satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof configKeys;
export type ConfigValue = boolean | number | string;
type ValueOf<S> = S extends { type: 'boolean' } ? boolean : S extends { type: 'enum' } ? string : number;
export type SpeculationConfig = { [K in ConfigKey]: ValueOf<(typeof configKeys)[K]> };

export const configKeyNames = Object.keys(configKeys) as ConfigKey[];

export function defaultConfig(): SpeculationConfig {
  const config = {} as Record<ConfigKey, ConfigValue>;
  for (const key of configKeyNames) config[key] = configKeys[key].default;
  return config as SpeculationConfig;
}

function isConfigKey(key: string): key is ConfigKey {
  return Object.hasOwn(configKeys, key);
}

/** Levenshtein distance, for "did you mean" on a mistyped key. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** The closest of `candidates` to `input`, when it is close enough to be a likely typo. */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(input, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 4)) ? best : undefined;
}

function describeAllowed(key: ConfigKey): string {
  const spec: KeySpec = configKeys[key];
  switch (spec.type) {
    case 'boolean':
      return 'true or false';
    case 'integer':
      return `an integer from ${spec.min} to ${spec.max}`;
    case 'number':
      return `a number from ${spec.min} to ${spec.max}`;
    case 'enum':
      return `one of ${spec.values.map((value) => JSON.stringify(value)).join(', ')}`;
  }
}

function checkValue(key: ConfigKey, value: unknown): ConfigValue {
  const spec: KeySpec = configKeys[key];
  const wrong = () =>
    new GamedayError('INVALID_CONFIG_VALUE', `invalid value ${JSON.stringify(value) ?? String(value)} for "${key}": expected ${describeAllowed(key)}`, {
      field: key,
    });
  switch (spec.type) {
    case 'boolean':
      if (typeof value !== 'boolean') throw wrong();
      return value;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw wrong();
      if (spec.type === 'integer' && !Number.isInteger(value)) throw wrong();
      if (value < spec.min || value > spec.max) throw wrong();
      return value;
    case 'enum':
      if (typeof value !== 'string' || !spec.values.includes(value)) throw wrong();
      return value;
  }
}

/**
 * Validates a whole `POST /admin/config` body. All or nothing: the first problem throws and the
 * caller applies nothing. Returns the changes in the order given.
 */
export function parseConfigChanges(body: unknown): Array<[ConfigKey, ConfigValue]> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GamedayError('INVALID_BODY', `the body must be a JSON object of dotted config keys, such as {"speculation.enabled": false}; got ${Array.isArray(body) ? 'an array' : body === null ? 'null' : typeof body}`);
  }
  const entries = Object.entries(body as Record<string, unknown>);
  if (entries.length === 0) {
    throw new GamedayError('INVALID_BODY', 'the body sets no config keys; send at least one, such as {"speculation.enabled": false}', {
      allowed: configKeyNames,
    });
  }
  return entries.map(([key, value]) => {
    if (!isConfigKey(key)) {
      const suggestion = closestMatch(key, configKeyNames);
      throw new GamedayError(
        'UNKNOWN_CONFIG_KEY',
        `unknown config key "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; allowed keys: ${configKeyNames.join(', ')}`,
        { field: key, allowed: configKeyNames },
      );
    }
    return [key, checkValue(key, value)] as [ConfigKey, ConfigValue];
  });
}

/** Rows for docs and `agenc`/UI listings: key, type, allowed values, default, description. */
export function describeConfigKeys(): Array<{ key: ConfigKey; allowed: string; default: ConfigValue; description: string }> {
  return configKeyNames.map((key) => ({ key, allowed: describeAllowed(key), default: configKeys[key].default, description: configKeys[key].description }));
}
