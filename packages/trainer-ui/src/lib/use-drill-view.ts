import { useEffect, useState } from 'react';
import { io } from 'socket.io-client';
import type { TraineeView } from '@gameday/simulator';

/** Who this page's token is in a game-day (null: the drill's own admin token, which may do everything). */
export interface Me {
  name: string;
  role: string;
  permissions: string[];
}

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
    socket.on('me', (who: Me | null) => setMe(who));
    socket.on('view', (next: TraineeView) => {
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
    return () => {
      socket.close();
    };
  }, [token]);
  return { view, me, error };
}
