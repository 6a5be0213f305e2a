/**
 * Kubernetes resource quantities (`4Gi`, `1536Mi`, `500m`, `2`, `1e9`): read the way the API
 * server reads them, and written in the canonical form it answers with.
 */

/** The API server's own wording when a quantity does not parse. */
export const quantityPattern = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const decimal: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

export class QuantityError extends Error {}

/** The value of a quantity in base units (bytes, cores); throws QuantityError with the API server's message. */
export function parseQuantity(text: string): number {
  const match = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$/.exec(text);
  if (!match) throw new QuantityError(`quantities must match the regular expression '${quantityPattern}'`);
  const number = Number(match[1]);
  const suffix = match[2] ?? '';
  let value: number;
  if (suffix in binary) value = number * binary[suffix]!;
  else if (suffix in decimal) value = number * decimal[suffix]!;
  else value = number * 10 ** Number(suffix.slice(1));
  if (!Number.isFinite(value)) throw new QuantityError('the quantity is too large');
  return value;
}

/** Bytes as the API server prints memory: the largest binary unit that divides it, else a plain number. */
export function formatBytes(bytes: number): string {
  const whole = Math.round(bytes);
  for (const [suffix, factor] of [['Ei', 2 ** 60], ['Pi', 2 ** 50], ['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] as const) {
    if (whole !== 0 && whole % factor === 0) return `${whole / factor}${suffix}`;
  }
  return String(whole);
}

/** Bytes in Ki, as metrics-server reports a working set. */
export function formatKibibytes(bytes: number): string {
  return `${Math.round(bytes / 1024)}Ki`;
}

/** Millicores as the API server prints CPU: whole cores plainly, else in m. */
export function formatMillicores(millicores: number): string {
  const whole = Math.round(millicores);
  return whole % 1000 === 0 ? String(whole / 1000) : `${whole}m`;
}

/** Cores as metrics-server reports usage: nanocores. */
export function formatNanocores(cores: number): string {
  return `${Math.round(cores * 1e9)}n`;
}
