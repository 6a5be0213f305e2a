/** Issue 14: the cluster's events stay bounded in number and age, like the API server's. */
import { describe, expect, it } from 'vitest';
import { ClusterEvents, eventTtlMs, type EventInput } from './cluster-events';

const event = (name: string, reason = 'Started'): EventInput => ({
  involved: { kind: 'Pod', name, namespace: 'production', uid: `uid-${name}` },
  type: 'Normal',
  reason,
  message: `${reason} ${name}`,
  component: 'kubelet',
});

describe('ClusterEvents', () => {
  it('keeps at most its capacity, dropping the oldest, and forgets their folding keys', () => {
    let now = 0;
    const events = new ClusterEvents(() => now, 5);
    for (let i = 0; i < 8; i++) {
      now += 1000;
      events.record(event(`pod-${i}`));
    }
    expect(events.list().map((entry) => entry.involved.name)).toEqual(['pod-3', 'pod-4', 'pod-5', 'pod-6', 'pod-7']);
    // A dropped event that happens again is a new event, not a count on a forgotten one.
    expect(events.record(event('pod-0')).count).toBe(1);
  });

  it('ages events out after an hour, and starts a new one instead of counting on an expired one', () => {
    let now = 0;
    const events = new ClusterEvents(() => now);
    const first = events.record(event('a', 'BackOff'));
    now += eventTtlMs - 1000;
    expect(events.record(event('a', 'BackOff'))).toBe(first);
    expect(first.count).toBe(2);
    now += eventTtlMs + 1;
    expect(events.list()).toEqual([]);
    expect(events.record(event('a', 'BackOff'))).not.toBe(first);
  });

  it('names events uniquely and lists them by when they were last seen', () => {
    let now = 0;
    const events = new ClusterEvents(() => now);
    const early = events.record(event('a', 'Pulled'));
    events.record(event('b', 'Pulled'));
    now += 5000;
    events.record(event('a', 'Pulled'));
    expect(events.list().map((entry) => entry.involved.name)).toEqual(['b', 'a']);
    expect(new Set(events.list().map((entry) => entry.name)).size).toBe(2);
    expect(early.name).toMatch(/^a\.[0-9a-f]{16}$/);
    expect(events.version).toBe(3);
  });

  it('stores node events in the default namespace', () => {
    const events = new ClusterEvents(() => 0);
    expect(events.record({ ...event('n'), involved: { kind: 'Node', name: 'ip-10-0-1-1.ec2.internal', namespace: '', uid: 'node-uid' } }).namespace).toBe('default');
  });
});
