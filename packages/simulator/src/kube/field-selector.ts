/**
 * Field selectors (`metadata.name=proof-worker`, `involvedObject.uid=…,reason!=Pulled`), as the
 * API server reads them on list calls: `kubectl rollout status` and `describe` depend on them
 * narrowing the list to one object.
 */

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

export class FieldSelectorError extends Error {}

/** Parses a selector; a term with no operator or an empty field is refused. Values may escape `,`, `=` and `\` with `\`. */
export function parseFieldSelector(selector: string): FieldRequirement[] {
  const requirements: FieldRequirement[] = [];
  for (const term of splitTerms(selector)) {
    if (term.trim() === '') continue;
    const match = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/s.exec(term.trim());
    if (!match || match[1]!.trim() === '') throw new FieldSelectorError(`invalid field selector term "${term}": write FIELD=VALUE or FIELD!=VALUE, for example metadata.name=proof-worker`);
    requirements.push({ field: match[1]!.trim(), operator: match[2] === '!=' ? '!=' : '=', value: unescape(match[3]!) });
  }
  return requirements;
}

function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let current = '';
  for (let i = 0; i < selector.length; i++) {
    const char = selector[i]!;
    if (char === '\\' && i + 1 < selector.length) {
      current += char + selector[++i]!;
    } else if (char === ',') {
      terms.push(current);
      current = '';
    } else current += char;
  }
  terms.push(current);
  return terms;
}

function unescape(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}

/**
 * Checks every field is one the resource can be selected by, then returns a predicate over an
 * object's field values. An unknown field is refused the way the API server words it.
 */
export function fieldMatcher<T>(requirements: FieldRequirement[], fields: Record<string, (item: T) => string>): (item: T) => boolean {
  for (const requirement of requirements) {
    if (!Object.prototype.hasOwnProperty.call(fields, requirement.field)) {
      throw new FieldSelectorError(`field label not supported: ${requirement.field} (this resource can be selected by ${Object.keys(fields).join(', ')})`);
    }
  }
  if (requirements.length === 0) return () => true;
  return (item) =>
    requirements.every((requirement) => {
      const actual = fields[requirement.field]!(item);
      return requirement.operator === '=' ? actual === requirement.value : actual !== requirement.value;
    });
}
