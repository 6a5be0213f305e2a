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
 * after this long without a view the page says so and connects again, which brings a fresh one.
 */
export const staleViewAfterMs = 5000;

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
    const watchdog = setInterval(() => {
      const silentMs = Date.now() - lastViewAt;
      if (!socket.connected || silentMs < staleViewAfterMs) return;
      socket.disconnect();
      setError(`The live view stopped updating ${Math.round(silentMs / 1000)} s ago; reconnecting…`);
      lastViewAt = Date.now();
      socket.connect();
    }, 1000);
    return () => {
      clearInterval(watchdog);
      socket.close();
    };
  }, [token]);
  return { view, me, error };
}
