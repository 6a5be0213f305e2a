import { describe, expect, it } from 'vitest';
import { readMessage } from './comms-message';

describe('readMessage', () => {
  it("reads the initial alert's tag, Status word and promised next update", () => {
    const text = '🚨 [P1] Speculation Incident - rollback storm\n\n**Status:** Investigating\n**Impact:** most tasks roll back\n\nNext update in 15 minutes.';
    expect(readMessage('initial-alert', text)).toEqual({ severityTag: 'P1', status: 'Investigating', nextUpdateMinutes: 15 });
  });

  it('reads an update whatever its spacing and case, and a plain line without the template', () => {
    expect(readMessage('update', '[P2] update\nstatus: monitoring\nnext update in 30 min')).toEqual({ severityTag: 'P2', status: 'Monitoring', nextUpdateMinutes: 30 });
    expect(readMessage('update', 'Mitigated; watching.')).toEqual({ severityTag: null, status: null, nextUpdateMinutes: null });
  });

  it('takes Resolved from the resolution templates, and the customer notices from their subject and cadence', () => {
    expect(readMessage('resolution', '✅ [P1] Speculation Incident Resolved\n\n**Duration:** 40 min').status).toBe('Resolved');
    expect(readMessage('customer-initial', 'Subject: [Investigating] AgenC Speculation Service Degradation\n\nwill provide updates every 30 minutes.')).toEqual({ severityTag: null, status: 'Investigating', nextUpdateMinutes: 30 });
    expect(readMessage('customer-update', 'Subject: [Update] AgenC\n\nNext update in 30 minutes or upon resolution.')).toEqual({ severityTag: null, status: null, nextUpdateMinutes: 30 });
    expect(readMessage('customer-resolution', 'Subject: [Resolved] AgenC').status).toBe('Resolved');
  });

  it("reads the escalation e-mail's P{X} without brackets, and no word it does not know as a status", () => {
    expect(readMessage('escalation-email', 'Subject: Escalation Required - P2 Speculation Incident').severityTag).toBe('P2');
    expect(readMessage('update', '[P3] x\n**Status:** Panicking').status).toBeNull();
  });
});
