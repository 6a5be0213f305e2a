import { useEffect, useState } from 'react';
import type { RewindView } from '@gameday/simulator';
import { ApiError, getJson, postJson } from '../../lib/api-client';
import { Panel } from '../../components/panel';
import { FormError } from '../../components/form-error';
import { PagerPanel } from '../pager/pager-panel';
import { ReadingsPanel } from '../dashboard/readings-panel';
import { ChartsPanel } from '../dashboard/charts-panel';
import { PodsPanel } from '../dashboard/pods-panel';
import { TimelinePanel } from '../timeline/timeline-panel';

const minutes = (ms: number) => `T+${Math.floor(ms / 60_000)}m${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}s`;

/**
 * A finished drill at any moment: a scrubber over its simulated time, and the drill page's
 * panels as they were then (replayed by the server), read-only; "Branch from here" starts a
 * practice drill from that moment's world.
 */
export function RewindPanel({ drillId, durationMs }: { drillId: string; durationMs: number }) {
  const [simMs, setSimMs] = useState(durationMs);
  const [shown, setShown] = useState<RewindView>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  // Ask for the moment once the scrubber rests a little: dragging does not send a replay per pixel.
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      getJson<RewindView>(`/trainer/drills/${encodeURIComponent(drillId)}/at/${simMs}`)
        .then((view) => {
          if (current) {
            setShown(view);
            setError(undefined);
          }
        })
        .catch((caught: unknown) => current && setError(caught instanceof ApiError ? caught.message : String(caught)));
    }, 150);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [drillId, simMs]);

  const branch = async () => {
    setBusy(true);
    setError(undefined);
    try {
      // The new drill takes the page through the live view; this panel goes with the old one's debrief.
      await postJson(`/trainer/drills/${encodeURIComponent(drillId)}/branch`, { atMs: Math.min(shown?.simMs ?? simMs, Math.max(0, durationMs - 1)) });
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  const view = shown?.view;
  return (
    <Panel title="Rewind" className="rewind">
      <div className="rewind-bar">
        <label>
          Moment{' '}
          <input type="range" min={0} max={durationMs} step={1000} value={simMs} onChange={(event) => setSimMs(Number(event.target.value))} aria-label="Moment of the drill" aria-valuetext={minutes(simMs)} />
        </label>
        <output aria-live="polite">
          {minutes(simMs)} of {minutes(durationMs)}
          {view ? ` · ${view.clock.simTime.slice(11, 19)} UTC` : ''}
        </output>
        <button type="button" className="primary" disabled={busy || !shown} onClick={() => void branch()} title="Start a practice drill from the world as it was at this moment, and play it differently">
          Branch from here
        </button>
      </div>
      <FormError message={error} />
      {view && shown && (
        <div className="grid rewound" aria-label="The drill at this moment (read-only)">
          <div className="pager-slot">
            <PagerPanel page={view.page} busy onAcknowledge={() => undefined} />
          </div>
          <ReadingsPanel view={view} />
          <ChartsPanel view={view} fixed={shown.series} />
          <PodsPanel deployments={view.deployments} pods={view.pods} />
          <TimelinePanel timeline={view.timeline} label="Timeline at this moment, newest first" />
        </div>
      )}
    </Panel>
  );
}
