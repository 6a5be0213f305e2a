import { describe, expect, it } from 'vitest';
import { GamedayError } from '../core/gameday-error';
import { closestMatch, defaultConfig, parseConfigChanges } from './config-schema';

describe('parseConfigChanges', () => {
  it('accepts the runbook keys with their types', () => {
    expect(parseConfigChanges({ 'speculation.enabled': false, 'speculation.max_depth': 2, 'speculation.features.rollout_percentage': 25 })).toEqual([
      ['speculation.enabled', false],
      ['speculation.max_depth', 2],
      ['speculation.features.rollout_percentage', 25],
    ]);
  });

  it('suggests the closest key for a typo and lists the allowed ones', () => {
    try {
      parseConfigChanges({ 'speculation.max_dept': 1 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(GamedayError);
      expect((error as GamedayError).message).toContain('did you mean "speculation.max_depth"?');
      expect((error as GamedayError).allowed).toContain('speculation.enabled');
    }
  });

  it('does not suggest a key for something unrelated', () => {
    expect(closestMatch('database.url', ['speculation.enabled', 'speculation.max_depth'])).toBeUndefined();
  });

  it.each([[{ 'speculation.log_level': 'verbose' }], [{ 'speculation.enabled': 1 }], [{ 'speculation.task_timeout_ms': Number.NaN }], [null], ['text']])('rejects %j', (body) => {
    expect(() => parseConfigChanges(body)).toThrow(GamedayError);
  });

  it('has a default for every key', () => {
    expect(Object.values(defaultConfig()).every((value) => value !== undefined)).toBe(true);
  });
});
