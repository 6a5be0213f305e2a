import { useEffect, useState } from 'react';
import { io } from 'socket.io-client';
import type { TraineeView } from '@gameday/simulator';

/** The drill as the server pushes it over socket.io, about once a second. */
export function useDrillView(token: string | null): { view: TraineeView | undefined; error: string | undefined } {
  const [view, setView] = useState<TraineeView>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!token) {
      setError('This page needs the address `gameday serve` printed (it ends in #token=…). Open that address.');
      return;
    }
    const socket = io({ auth: { token }, transports: ['websocket', 'polling'] });
    socket.on('view', (next: TraineeView) => {
      setView(next);
      setError(undefined);
    });
    socket.on('connect_error', (cause: Error) => setError(cause.message.startsWith('unauthorized') ? cause.message : 'Cannot reach the gameday server. Is `gameday serve` still running?'));
    socket.on('disconnect', () => setError('Disconnected from the gameday server; reconnecting…'));
    return () => {
      socket.close();
    };
  }, [token]);
  return { view, error };
}
