import { describe, expect, it } from 'vitest';
import { SelectorError, matchesSelector, parseLabelSelector } from './label-selector';

const labels = { app: 'agenc', component: 'speculation' };

describe('label selectors', () => {
  it.each([
    ['component=speculation', true],
    ['component==speculation', true],
    ['component!=speculation', false],
    ['app=agenc,component=speculation', true],
    ['component in (speculation, worker)', true],
    ['component notin (speculation)', false],
    ['app', true],
    ['!tier', true],
    ['component=worker', false],
  ])('%s matches: %s', (selector, expected) => {
    expect(matchesSelector(labels, parseLabelSelector(selector))).toBe(expected);
  });

  it('rejects an invalid key', () => {
    expect(() => parseLabelSelector('==x')).toThrow(SelectorError);
  });
});
