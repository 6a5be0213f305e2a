import type { TraineeView } from '@gameday/simulator';
import { Panel } from '../../components/panel';

/** The service's recent log lines, newest first: noise and signal alike. */
export function LogsPanel({ logs }: { logs: TraineeView['logs'] }) {
  return (
    <Panel title="Logs" className="logs">
      {/* It scrolls, so it takes focus: a keyboard can scroll it too. */}
      <pre tabIndex={0} aria-label="Recent log lines, newest first">
        {[...logs].reverse().map((line, index) => (
          <div key={`${line.at}-${index}`} className={`log ${line.level}`}>
            {line.at.slice(11, 19)} {line.level.toUpperCase().padEnd(5)} {line.pod.replace(/-[a-z0-9]+-[a-z0-9]+$/, '')}: {line.message}
          </div>
        ))}
      </pre>
    </Panel>
  );
}
