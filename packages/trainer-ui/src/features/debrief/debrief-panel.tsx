import { useEffect, useState } from 'react';
import type { BranchComparison, Debrief, GhostComparison, PathStep } from '@gameday/simulator';
import { ApiError, downloadFile, getJson, getText } from '../../lib/api-client';
import { renderMarkdown } from '../../lib/markdown';
import { Panel } from '../../components/panel';
import { FormError } from '../../components/form-error';
import { RewindPanel } from './rewind-panel';

/** The debrief as the server gives it: with the drill's length (what a rewind scrubs) and its comparisons. */
export type DebriefWithComparisons = Debrief & { durationMs?: number; comparisons?: { branch: BranchComparison | null; ghost: GhostComparison | null } };

const offset = (ms: number) => `${ms < 0 ? '-' : '+'}${Math.floor(Math.abs(ms) / 60_000)}m${String(Math.floor((Math.abs(ms) % 60_000) / 1000)).padStart(2, '0')}s`;

function PathList({ title, steps }: { title: string; steps: PathStep[] }) {
  return (
    <div>
      <h3>{title}</h3>
      <ol className="path" aria-label={title} tabIndex={0}>
        {steps.map((step, index) => (
          <li key={`${step.atMs}-${index}`}>
            <time>{step.by ? `by ${offset(step.atMs)}` : offset(step.atMs)}</time> {step.step}
          </li>
        ))}
      </ol>
    </div>
  );
}

/**
 * The post-mortem draft as the team would read it: the server's Markdown (the same file the
 * download gives), rendered by the UI's one sanitizing renderer.
 */
function PostmortemPreview({ path }: { path: string }) {
  const [html, setHtml] = useState<string>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let current = true;
    getText(path)
      .then((text) => current && setHtml(renderMarkdown(text)))
      .catch((caught: unknown) => current && setError(caught instanceof ApiError ? caught.message : String(caught)));
    return () => {
      current = false;
    };
  }, [path]);
  return (
    <details className="postmortem" open>
      <summary>The post-mortem draft</summary>
      <FormError message={error} />
      {html === undefined ? !error && <p className="quiet">Loading the post-mortem…</p> : <article className="markdown" aria-label="Post-mortem draft" dangerouslySetInnerHTML={{ __html: html }} />}
    </details>
  );
}

const signed = (value: number) => (value > 0 ? `+${value.toLocaleString('en-US')}` : value.toLocaleString('en-US'));

/** A branch beside its origin: scores, what each cost, and the first moment they did something different. */
function BranchComparisonTable({ comparison }: { comparison: BranchComparison }) {
  const { origin, branch, firstDifference } = comparison;
  return (
    <section className="comparison" aria-label="Branch and origin">
      <h3>This branch beside its origin (branched at T{offset(comparison.atMs)} from the start)</h3>
      <table>
        <thead>
          <tr>
            <th scope="col"></th>
            <th scope="col">Origin</th>
            <th scope="col">This branch</th>
            <th scope="col">Difference</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Score</th>
            <td>{origin.score}</td>
            <td>{branch.score}</td>
            <td>{signed(branch.score - origin.score)}</td>
          </tr>
          {Object.entries(comparison.impactDelta).map(([measure, delta]) => (
            <tr key={measure}>
              <th scope="row">{measure}</th>
              <td>{(origin.impact[measure] ?? 0).toLocaleString('en-US')}</td>
              <td>{(branch.impact[measure] ?? 0).toLocaleString('en-US')}</td>
              <td>{signed(delta)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {firstDifference
          ? `The two first differ at T${offset(firstDifference.simMs)}: the origin ${firstDifference.origin ? `did ${firstDifference.origin}` : 'did nothing more'}, this branch ${firstDifference.branch ? `did ${firstDifference.branch}` : 'did nothing more'}.`
          : 'The two did the same things at the same moments.'}
      </p>
    </section>
  );
}

/** A race's two paths side by side: the ghost's and yours. */
function GhostComparisonPaths({ comparison, yours }: { comparison: GhostComparison; yours: PathStep[] }) {
  return (
    <section className="comparison" aria-label="You and the ghost">
      <h3>
        You ({comparison.yours.score}) beside the ghost, {comparison.ghost.trainee}&apos;s best run ({comparison.ghost.score})
      </h3>
      <div className="paths">
        <PathList title="Your path" steps={yours} />
        <PathList title={`The ghost's path (${comparison.ghost.trainee})`} steps={comparison.ghost.path} />
      </div>
    </section>
  );
}

/** After a drill: the score and its reasons, the trainee's path beside the ideal one, what to change, and the post-mortem draft. */
export function DebriefPanel({ resolvedAt }: { resolvedAt: string }) {
  const [debrief, setDebrief] = useState<DebriefWithComparisons>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    getJson<DebriefWithComparisons>('/trainer/debrief')
      .then(setDebrief)
      .catch((caught: unknown) => setError(caught instanceof ApiError ? caught.message : String(caught)));
  }, [resolvedAt]);
  if (!debrief) return error ? <FormError message={error} /> : null;
  const { score } = debrief;
  const postmortemPath = `/trainer/drills/${encodeURIComponent(debrief.drillId)}/postmortem.md`;
  const postmortemName = `postmortem-${debrief.scenario.id}-${debrief.drillId}.md`;
  return (
    <Panel title="Debrief" className="debrief">
      <p className="score">
        <strong>
          {score.total} / {score.max}
        </strong>{' '}
        · {debrief.scenario.incident ?? ''} {debrief.scenario.title} · {debrief.difficulty} · {debrief.ranked ? 'ranked' : 'practice (not ranked)'}
      </p>
      <table>
        <caption>Score by dimension</caption>
        <thead>
          <tr>
            <th scope="col">Dimension</th>
            <th scope="col">Points</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {score.dimensions.map((dimension) => (
            <tr key={dimension.id} className={dimension.points < dimension.max ? 'short' : ''}>
              <td>{dimension.label}</td>
              <td>
                {dimension.points} / {dimension.max}
              </td>
              <td>{dimension.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {score.outcome && (
        <p className="outcome">
          Left alone the incident cost {score.outcome.noResponder.toLocaleString('en-US')} {score.outcome.unit}; the ideal path {score.outcome.ideal.toLocaleString('en-US')}; your response{' '}
          {score.outcome.yours.toLocaleString('en-US')}.
        </p>
      )}
      {debrief.gaps.length > 0 && (
        <ul className="lessons" aria-label="Where the outcome went">
          {debrief.gaps.map((gap) => (
            <li key={`${gap.step}-${gap.idealAtMs}`}>{gap.text}.</li>
          ))}
        </ul>
      )}
      {(debrief.missed.length > 0 || debrief.harmful.length > 0) && (
        <ul className="lessons" aria-label="What would have changed">
          {debrief.missed.map((action) => (
            <li key={action.description}>
              Missed <strong>{action.description}</strong> (<code>{action.command}</code>): it {action.why}.
            </li>
          ))}
          {debrief.harmful.map((harm, index) => (
            <li key={index}>
              Harmful <code>{harm.action}</code>: {harm.why}.
            </li>
          ))}
        </ul>
      )}
      {debrief.comparisons?.branch && <BranchComparisonTable comparison={debrief.comparisons.branch} />}
      {debrief.comparisons?.ghost && <GhostComparisonPaths comparison={debrief.comparisons.ghost} yours={debrief.yourPath} />}
      <div className="paths">
        <PathList title="Your path" steps={debrief.yourPath} />
        <PathList title="The ideal path for this variant" steps={debrief.idealPath} />
      </div>
      {debrief.durationMs !== undefined && <RewindPanel drillId={debrief.drillId} durationMs={debrief.durationMs} />}
      <p>
        {/* A link to the file, fetched with the page's token: the server gives a drill's files to no one else. */}
        <a
          href={postmortemPath}
          download={postmortemName}
          onClick={(event) => {
            event.preventDefault();
            setError(undefined);
            downloadFile(postmortemPath, postmortemName).catch((caught: unknown) => setError(caught instanceof ApiError ? caught.message : String(caught)));
          }}
        >
          Download the post-mortem draft (Markdown)
        </a>
      </p>
      {error && <FormError message={error} />}
      <PostmortemPreview path={postmortemPath} />
    </Panel>
  );
}
