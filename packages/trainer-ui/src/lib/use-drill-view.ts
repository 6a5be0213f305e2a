import { useEffect, useState } from 'react';
import { io } from 'socket.io-client';
import type { TraineeView } from '@gameday/simulator';

/** Who this page's token is in a game-day (null: the drill's own admin token, which may do everything). */
export interface Me {
  name: string;
  role: string;
  permissions: string[];
}

/**
 * The server pushes the view every second. A connection that stays up but carries no view (a
 * proxy that stopped forwarding, a server that lost track of this socket) would leave the page
 * showing a drill frozen in time, without a word, until socket.io's heartbeat gives up (45 s):
 * after this long without a view the transport is dropped, and socket.io reconnects as after any
 * drop (saying so), which brings a fresh view.
 */
export const staleViewAfterMs = 10_000;

/** The drill as the server pushes it over socket.io, about once a second. */
export function useDrillView(token: string | null): { view: TraineeView | undefined; me: Me | null; error: string | undefined } {
  const [view, setView] = useState<TraineeView>();
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!token) {
      setError('This page needs the address `gameday serve` printed (it ends in #token=…). Open that address.');
      return;
    }
    const socket = io({ auth: { token }, transports: ['websocket', 'polling'] });
    let lastViewAt = Date.now();
    socket.on('connect', () => (lastViewAt = Date.now()));
    socket.on('me', (who: Me | null) => setMe(who));
    socket.on('view', (next: TraineeView) => {
      lastViewAt = Date.now();
      setView(next);
      setError(undefined);
    });
    socket.on('connect_error', (cause: Error) => setError(cause.message.startsWith('unauthorized') ? cause.message : 'Cannot reach the gameday server. Is `gameday serve` still running?'));
    // The drill's owner, on another instance, may refuse a token its route table still named.
    let refused: string | undefined;
    socket.on('refused', (message: string) => {
      refused = message;
      setError(message);
    });
    socket.on('disconnect', () => setError(refused ?? 'Disconnected from the gameday server; reconnecting…'));
    let lastCheckAt = Date.now();
    const watchdog = setInterval(() => {
      const now = Date.now();
      // A check that comes late means this page was frozen (a long render, a suspended tab), not the
      // connection: the views it missed are queued behind this check. Start counting again.
      const frozen = now - lastCheckAt > 3000;
      lastCheckAt = now;
      if (frozen) lastViewAt = now;
      if (!socket.connected || now - lastViewAt < staleViewAfterMs) return;
      lastViewAt = now;
      // Dropping the transport leaves the reconnecting to socket.io's manager (disconnect() then
      // connect() on the socket can race the old transport's close and leave the new one deaf).
      socket.io.engine.close();
    }, 1000);
    return () => {
      clearInterval(watchdog);
      socket.close();
    };
  }, [token]);
  return { view, me, error };
}
