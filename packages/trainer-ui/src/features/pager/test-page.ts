/** A page as the drill's view carries it, for the pager's and the declare buttons' tests. */
import type { PageView } from '@gameday/simulator';

export const testPage = (overrides: Partial<PageView> = {}): PageView => ({
  alert: 'SpeculationRollbackStorm',
  trigger: 'Rollback rate > 50% for > 2 minutes',
  value: 0.62,
  firedAt: '2026-11-28T10:14:00.000Z',
  acknowledgedAt: null,
  resolvedAt: null,
  notifications: 1,
  runbookSection: 'INC-SPEC-001: Cascading Rollback Storm',
  waiting: 0,
  lastAcknowledged: null,
  ...overrides,
});
