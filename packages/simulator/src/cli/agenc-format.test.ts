import { describe, expect, it } from 'vitest';
import { formatConfigHistory, formatMessages } from './agenc-format';

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
