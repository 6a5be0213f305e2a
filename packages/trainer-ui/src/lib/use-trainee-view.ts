import { useEffect, useState } from 'react';
import type { TraineeView } from '@gameday/simulator';
import { ApiError, getJson } from './api-client';

/** The trainee's view of the drill, refreshed every second; the error is shown, never thrown. */
export function useTraineeView(intervalMs = 1000): { view: TraineeView | undefined; error: string | undefined } {
  const [view, setView] = useState<TraineeView>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        setView(await getJson<TraineeView>('/trainer/state', controller.signal));
        setError(undefined);
      } catch (caught) {
        if (caught instanceof ApiError) setError(caught.message);
        else if (!(caught instanceof DOMException)) setError(String(caught));
      }
      if (!controller.signal.aborted) timer = setTimeout(() => void load(), intervalMs);
    };
    void load();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [intervalMs]);
  return { view, error };
}
