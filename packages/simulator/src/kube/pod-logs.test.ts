/** Issue 14: `kubectl logs` reads one container's lines: the current one, or with --previous the one before. */
import { describe, expect, it } from 'vitest';
import type { Pod } from '../world/cluster';
import type { LogLine } from '../world/log-stream';
import { LogRequestError, podLogText, type LogContext } from './pod-logs';

const pod = (changes: Partial<Pod> = {}): Pod =>
  ({
    name: 'speculation-engine-abc-12345',
    deployment: 'speculation-engine',
    containerStartedMs: 100_000,
    lastTerminated: { reason: 'OOMKilled', exitCode: 137, startedMs: 10_000, finishedMs: 90_000 },
    ...changes,
  }) as Pod;

const line = (simMs: number, message: string, name = 'speculation-engine-abc-12345'): LogLine => ({ simMs, pod: name, level: 'info', message });
const lines = [line(5_000, 'before'), line(20_000, 'old 1'), line(80_000, 'old 2'), line(110_000, 'new 1'), line(150_000, 'new 2'), line(160_000, 'other pod', 'x'), line(170_000, 'new 3')];
const context: LogContext = { nowMs: 180_000, toDate: (simMs) => new Date(Date.UTC(2026, 0, 1) + simMs), toSim: (wallMs) => wallMs - Date.UTC(2026, 0, 1) };
/** The messages of a log text, without each line's timestamp and level. */
const messages = (text: string) => text.trim().split('\n').map((entry) => entry.split(/\s+/).slice(2).join(' '));

describe('podLogText', () => {
  it("serves the current container's lines, and with previous the last one's, each line stamped by the app", () => {
    expect(messages(podLogText(pod(), lines, {}, context))).toEqual(['new 1', 'new 2', 'new 3']);
    expect(messages(podLogText(pod(), lines, { previous: true }, context))).toEqual(['old 1', 'old 2']);
    expect(podLogText(pod(), lines, { tailLines: 1 }, context)).toBe('2026-01-01T00:02:50.000Z INFO  new 3\n');
  });

  it('narrows by sinceSeconds, sinceTime, tailLines and limitBytes, and prefixes the kubelet timestamp on request', () => {
    expect(messages(podLogText(pod(), lines, { sinceSeconds: 40 }, context))).toEqual(['new 2', 'new 3']);
    expect(messages(podLogText(pod(), lines, { sinceTime: '2026-01-01T00:02:40Z' }, context))).toEqual(['new 3']);
    expect(podLogText(pod(), lines, { tailLines: 0 }, context)).toBe('');
    expect(podLogText(pod(), lines, { limitBytes: 10 }, context)).toHaveLength(10);
    expect(podLogText(pod(), lines, { tailLines: 1, timestamps: true }, context)).toBe('2026-01-01T00:02:50.000000000Z 2026-01-01T00:02:50.000Z INFO  new 3\n');
  });

  it('between a crash and the restart, serves the container that just ended', () => {
    expect(messages(podLogText(pod({ containerStartedMs: undefined }), lines, {}, context))).toEqual(['old 1', 'old 2']);
  });

  it.each([
    ['previous with no restart yet', pod({ lastTerminated: undefined }), { previous: true }, 'previous terminated container "speculation-engine" in pod "speculation-engine-abc-12345" not found'],
    ['a container that never started', pod({ lastTerminated: undefined, containerStartedMs: undefined }), {}, 'container "speculation-engine" in pod "speculation-engine-abc-12345" is waiting to start: ContainerCreating'],
    ['another container', pod(), { container: 'sidecar' }, 'container sidecar is not valid for pod speculation-engine-abc-12345'],
    ['a sinceTime that is not a time', pod(), { sinceTime: 'yesterday' }, 'sinceTime "yesterday" is not an RFC 3339 time'],
  ])('refuses %s as the API server words it', (_name, target, query, message) => {
    expect(() => podLogText(target, lines, query, context)).toThrow(LogRequestError);
    expect(() => podLogText(target, lines, query, context)).toThrow(message);
  });
});
