/** Issue 14: field selectors narrow lists (rollout status showed agenc-gateway's status for proof-worker). */
import { describe, expect, it } from 'vitest';
import { FieldSelectorError, fieldMatcher, parseFieldSelector } from './field-selector';

const fields = { 'metadata.name': (item: { name: string; phase: string }) => item.name, 'status.phase': (item: { name: string; phase: string }) => item.phase };
const items = [
  { name: 'proof-worker', phase: 'Running' },
  { name: 'agenc-gateway', phase: 'Running' },
  { name: 'a,b', phase: 'Pending' },
];

describe('field selectors', () => {
  it('selects by equality and inequality, with every term required', () => {
    expect(items.filter(fieldMatcher(parseFieldSelector('metadata.name=proof-worker'), fields))).toEqual([items[0]]);
    expect(items.filter(fieldMatcher(parseFieldSelector('metadata.name==proof-worker'), fields))).toEqual([items[0]]);
    expect(items.filter(fieldMatcher(parseFieldSelector('status.phase!=Pending,metadata.name!=proof-worker'), fields))).toEqual([items[1]]);
    expect(items.filter(fieldMatcher(parseFieldSelector(''), fields))).toEqual(items);
  });

  it('reads escaped commas in values', () => {
    expect(items.filter(fieldMatcher(parseFieldSelector('metadata.name=a\\,b'), fields))).toEqual([items[2]]);
  });

  it('refuses a term without an operator, and a field the resource does not offer, naming what it offers', () => {
    expect(() => parseFieldSelector('metadata.name')).toThrow(FieldSelectorError);
    expect(() => fieldMatcher(parseFieldSelector('spec.replicas=3'), fields)).toThrow('field label not supported: spec.replicas (this resource can be selected by metadata.name, status.phase)');
    expect(() => fieldMatcher(parseFieldSelector('constructor=x'), fields)).toThrow(FieldSelectorError);
  });
});
