import { act, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

type Handler = (...args: unknown[]) => void;
/** A stand-in for socket.io's client socket: the test says what the server sends and when. */
class FakeSocket {
  connected = false;
  connects = 0;
  readonly handlers = new Map<string, Handler[]>();
  on(event: string, handler: Handler) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
    return this;
  }
  emitFromServer(event: string, ...args: unknown[]) {
    for (const handler of this.handlers.get(event) ?? []) handler(...args);
  }
  connect() {
    this.connected = true;
    this.connects += 1;
    this.emitFromServer('connect');
    return this;
  }
  disconnect() {
    this.connected = false;
    this.emitFromServer('disconnect', 'io client disconnect');
    return this;
  }
  /** The manager: a dropped transport is reconnected, as socket.io's manager does after any drop. */
  readonly io = {
    engine: {
      close: () => {
        this.connected = false;
        this.emitFromServer('disconnect', 'transport close');
        queueMicrotask(() => this.connect());
      },
    },
  };
  close() {
    this.connected = false;
  }
}
const sockets = vi.hoisted(() => [] as FakeSocket[]);
vi.mock('socket.io-client', () => ({
  io: () => {
    const socket = new FakeSocket();
    sockets.push(socket);
    queueMicrotask(() => socket.connect());
    return socket;
  },
}));

import { staleViewAfterMs, useDrillView } from './use-drill-view';

function Probe() {
  const { view, error } = useDrillView('token');
  return (
    <>
      <p data-testid="sim-ms">{view ? String(view.clock.simMs) : 'none'}</p>
      <p role="status">{error ?? ''}</p>
    </>
  );
}

const viewAt = (simMs: number) => ({ clock: { simMs } });

describe('the live view', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    sockets.length = 0;
  });
  afterEach(() => vi.useRealTimers());

  it('connects again when the view stops coming on a connection that stays up, and says so', async () => {
    render(<Probe />);
    await act(async () => undefined);
    const socket = sockets[0]!;
    expect(socket.connects).toBe(1);
    // A view every second: nothing said, no reconnect.
    for (let second = 1; second <= 10; second++) {
      await act(async () => {
        socket.emitFromServer('view', viewAt(second * 1000));
        await vi.advanceTimersByTimeAsync(1000);
      });
    }
    expect(socket.connects).toBe(1);
    expect(screen.getByRole('status').textContent).toBe('');
    // Then silence on a socket still connected: within a second of the limit, the transport is dropped and reconnected, which the page says.
    await act(async () => vi.advanceTimersByTimeAsync(staleViewAfterMs + 1000));
    expect(socket.connects).toBe(2);
    expect(screen.getByRole('status').textContent).toBe('Disconnected from the gameday server; reconnecting…');
    expect(screen.getByTestId('sim-ms').textContent).toBe('10000');
    // The fresh connection's view clears the message.
    await act(async () => socket.emitFromServer('view', viewAt(20_000)));
    expect(screen.getByRole('status').textContent).toBe('');
    expect(screen.getByTestId('sim-ms').textContent).toBe('20000');
  });

  it('does not reconnect when the page itself was frozen (its check came late): the views are queued behind it', async () => {
    render(<Probe />);
    await act(async () => undefined);
    const socket = sockets[0]!;
    await act(async () => {
      socket.emitFromServer('view', viewAt(1000));
      await vi.advanceTimersByTimeAsync(1000);
    });
    // The page freezes for longer than the limit: no timer runs meanwhile.
    vi.setSystemTime(Date.now() + 2 * staleViewAfterMs);
    await act(async () => vi.advanceTimersByTimeAsync(1000));
    expect(socket.connects).toBe(1);
    // The queued view arrives; nothing was said.
    await act(async () => socket.emitFromServer('view', viewAt(2000)));
    expect(screen.getByRole('status').textContent).toBe('');
  });

  it('leaves a disconnected socket to socket.io’s own reconnection', async () => {
    render(<Probe />);
    await act(async () => undefined);
    const socket = sockets[0]!;
    await act(async () => {
      socket.connected = false;
      socket.emitFromServer('disconnect', 'transport close');
      await vi.advanceTimersByTimeAsync(3 * staleViewAfterMs);
    });
    expect(socket.connects).toBe(1);
    expect(screen.getByRole('status').textContent).toBe('Disconnected from the gameday server; reconnecting…');
  });
});
