/**
 * Kubernetes label selectors as `kubectl -l` sends them: `k=v`, `k==v`, `k!=v`, `k`, `!k`,
 * `k in (a,b)`, `k notin (a,b)`, joined by commas.
 */
export type Requirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

export class SelectorError extends Error {}

const keyPattern = /^([a-z0-9A-Z]([a-z0-9A-Z._-]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([a-z0-9A-Z._-]*[a-z0-9A-Z])?$/;

/** Splits on commas that are not inside parentheses. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else current += char;
  }
  terms.push(current);
  return terms.map((term) => term.trim()).filter((term) => term !== '');
}

function checkKey(key: string, selector: string): string {
  if (!keyPattern.test(key)) throw new SelectorError(`unable to parse requirement: invalid label key "${key}" in selector "${selector}"`);
  return key;
}

export function parseLabelSelector(selector: string): Requirement[] {
  return splitTerms(selector).map((term) => {
    const setMatch = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (setMatch) {
      const values = setMatch[3]!.split(',').map((value) => value.trim()).filter((value) => value !== '');
      return { key: checkKey(setMatch[1]!, selector), op: setMatch[2] as 'in' | 'notin', values };
    }
    const opMatch = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
    if (opMatch) return { key: checkKey(opMatch[1]!, selector), op: opMatch[2] === '!=' ? 'neq' : 'eq', value: opMatch[3]! };
    if (term.startsWith('!')) return { key: checkKey(term.slice(1).trim(), selector), op: 'notexists' };
    return { key: checkKey(term, selector), op: 'exists' };
  });
}

export function matchesSelector(labels: Record<string, string>, requirements: readonly Requirement[]): boolean {
  return requirements.every((requirement) => {
    const value = labels[requirement.key];
    switch (requirement.op) {
      case 'eq':
        return value === requirement.value;
      case 'neq':
        return value !== requirement.value;
      case 'in':
        return value !== undefined && requirement.values.includes(value);
      case 'notin':
        return value === undefined || !requirement.values.includes(value);
      case 'exists':
        return value !== undefined;
      case 'notexists':
        return value === undefined;
    }
  });
}
