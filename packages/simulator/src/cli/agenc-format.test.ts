import { describe, expect, it } from 'vitest';
import { formatConfigHistory, formatDependencies, formatMessages } from './agenc-format';

describe('formatConfigHistory', () => {
  it('prints one line per changed key as `key: old -> new`, with when, who and why on the first', () => {
    const text = formatConfigHistory({
      sinceMs: 86_400_000,
      changes: [
        { at: '2025-03-04T10:12:00.000Z', by: 'alice', reason: '', changes: { 'speculation.enabled': true, 'speculation.max_depth': 1 }, previous: { 'speculation.enabled': false, 'speculation.max_depth': 4 } },
        { at: '2025-03-04T09:58:00.000Z', by: 'speculation-engine', reason: 'auto-protect: rollback rate 31.0% for 2m', changes: { 'speculation.enabled': false }, previous: { 'speculation.enabled': true } },
        { at: '2025-03-04T09:00:00.000Z', by: 'platform-automation', reason: 'batch window', changes: { 'speculation.mode': 'eager' }, previous: {} },
      ],
    });
    const lines = text.split('\n');
    expect(lines[0]).toBe('3 config change(s) in the last 24h, newest first:');
    expect(lines[1]).toMatch(/^AT {24}BY {19}CHANGE {2,}REASON$/);
    expect(lines[2]).toMatch(/^2025-03-04T10:12:00\.000Z {2}alice +speculation\.enabled: false -> true +-$/);
    expect(lines[3]).toMatch(/^ +speculation\.max_depth: 4 -> 1\s*$/);
    expect(lines[4]).toMatch(/^2025-03-04T09:58:00\.000Z {2}speculation-engine +speculation\.enabled: true -> false +auto-protect: rollback rate 31\.0% for 2m$/);
    expect(lines[5]).toMatch(/speculation\.mode: \(unset\) -> eager +batch window$/);
    expect(lines).toHaveLength(6);
  });

  it('says so when nothing changed in the window', () => {
    expect(formatConfigHistory({ sinceMs: 600_000, changes: [] })).toBe('No config changes in the last 10m.');
  });
});

describe('formatMessages', () => {
  it('prints each message on one line with its time, channel and author, oldest first', () => {
    const text = formatMessages({
      sinceMs: 3_600_000,
      channel: '#platform-alerts',
      messages: [
        { at: '2025-03-04T10:00:00.000Z', channel: '#platform-alerts', from: 'chain-infra', text: 'rpc-2 is\nback' },
        { at: '2025-03-04T10:05:00.000Z', channel: '#platform-alerts', from: 'oracle-team', text: 'feed lag resolved' },
      ],
    });
    expect(text.split('\n')).toEqual([
      '2 message(s) in #platform-alerts in the last 60m, oldest first:',
      'AT                        CHANNEL           FROM         MESSAGE',
      '2025-03-04T10:00:00.000Z  #platform-alerts  chain-infra  rpc-2 is back',
      '2025-03-04T10:05:00.000Z  #platform-alerts  oracle-team  feed lag resolved',
    ]);
  });

  it('says so when the channel is quiet', () => {
    expect(formatMessages({ sinceMs: 3_600_000, channel: null, messages: [] })).toBe('No messages in any channel in the last 60m.');
  });
});

describe('formatDependencies', () => {
  it("puts the service's numbers beside the owners' status page, then each one's last client error", () => {
    const text = formatDependencies({
      at: '2026-11-28T10:30:00.000Z',
      dependencies: [
        { endpoint: 'rpc-eu-west-2.chain.internal:8545', owner: 'chain-infra', kind: 'rpc-node', service: { requestsPerMin: 1432, errorRate: 0.0012, p99Ms: 88, lastError: null }, statusPage: null },
        {
          endpoint: 'price-feed-4.pyth.internal:443',
          owner: 'oracle-team',
          kind: 'oracle-feed',
          service: { requestsPerMin: 310, errorRate: 0.4721, p99Ms: 2000, lastError: '2026-11-28T10:29:59.312Z read timed out after 2000ms: price-feed-4.pyth.internal:443' },
          statusPage: { status: 'degraded', note: 'Investigating delayed updates', updatedAt: '2026-11-28T10:20:00.000Z' },
        },
      ],
    });
    expect(text.split('\n')).toEqual([
      'Dependencies of the speculation service, last minute as of 2026-11-28T10:30:00.000Z:',
      'ENDPOINT                           OWNER        REQ/MIN  ERRORS  P99      STATUS PAGE',
      'rpc-eu-west-2.chain.internal:8545  chain-infra  1,432    0.12%   88ms     -',
      'price-feed-4.pyth.internal:443     oracle-team  310      47.21%  2,000ms  degraded (2026-11-28T10:20:00.000Z): Investigating delayed updates',
      '',
      'Last client error:',
      '  rpc-eu-west-2.chain.internal:8545: none',
      '  price-feed-4.pyth.internal:443: 2026-11-28T10:29:59.312Z read timed out after 2000ms: price-feed-4.pyth.internal:443',
    ]);
  });
});
