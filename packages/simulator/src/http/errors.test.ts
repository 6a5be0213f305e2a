import { describe, expect, it } from 'vitest';
import { GamedayError, errorCodes } from '../core/gameday-error';
import { errorBody, errorStatus, statusOf } from './errors';

describe('error statuses (codes in the core, statuses at the edge)', () => {
  it('gives every code a 4xx or 5xx status and a title, and names no code the core lacks', () => {
    expect(Object.keys(errorStatus).sort()).toEqual([...errorCodes].sort());
    for (const code of errorCodes) {
      expect(errorStatus[code].status).toBeGreaterThanOrEqual(400);
      expect(errorStatus[code].status).toBeLessThan(600);
      expect(errorStatus[code].title).not.toBe('');
    }
  });

  it('answers a coded error with its status and the body the APIs have always sent', () => {
    const error = new GamedayError('INVALID_CONFIG_VALUE', 'speculation.max_depth must be an integer from 0 to 8', { field: 'speculation.max_depth', allowed: ['0..8'] });
    expect(statusOf(error)).toBe(400);
    expect(errorBody(error)).toEqual({ error: 'INVALID_CONFIG_VALUE', message: 'speculation.max_depth must be an integer from 0 to 8', field: 'speculation.max_depth', allowed: ['0..8'] });
    expect(statusOf(new GamedayError('CONFLICT', 'already acknowledged'))).toBe(409);
    expect(errorBody(new GamedayError('CONFLICT', 'already acknowledged'))).toEqual({ error: 'CONFLICT', message: 'already acknowledged' });
  });

  it('keeps the status out of the core error', () => {
    expect(Object.keys(new GamedayError('NOT_FOUND', 'no such drill'))).not.toContain('status');
  });
});
