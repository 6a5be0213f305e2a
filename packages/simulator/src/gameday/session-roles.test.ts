import { describe, expect, it } from 'vitest';
import type { GamedayError } from '../core/gameday-error';
import { statusOf } from '../http/errors';
import { can, requireRole, roles } from './session-roles';

describe('session roles', () => {
  it('lets the incident commander do everything and an observer nothing', () => {
    expect(can('incident-commander', 'declare')).toBe(true);
    expect(can('incident-commander', 'command')).toBe(true);
    for (const permission of ['command', 'acknowledge', 'severity', 'comms', 'declare'] as const) expect(can('observer', permission)).toBe(false);
  });

  it('splits the work between on-call and comms', () => {
    expect(can('primary-on-call', 'command')).toBe(true);
    expect(can('primary-on-call', 'comms')).toBe(false);
    expect(can('comms-lead', 'comms')).toBe(true);
    expect(can('comms-lead', 'command')).toBe(false);
  });

  it('refuses with a 403 that says who may', () => {
    expect(() => requireRole('observer', 'command')).toThrowError(/observers cannot run commands.*incident commander, primary on-call/);
    const refusal = (() => {
      try {
        requireRole('observer', 'acknowledge');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refusal).toMatchObject({ code: 'FORBIDDEN', field: 'role', allowed: ['incident-commander', 'primary-on-call'] });
    // The role check raises a code; the http layer answers it with the 403.
    expect(statusOf(refusal as GamedayError)).toBe(403);
    expect(roles).toHaveLength(4);
  });
});
