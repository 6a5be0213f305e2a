import { useEffect, useState } from 'react';
import { getJson } from '../../lib/api-client';
import { Panel } from '../../components/panel';

/** How to work the drill from a real shell with the runbook's own commands. */
export function ShellSetupPanel({ inSession = false }: { inSession?: boolean }) {
  const [me, setMe] = useState<{ env: string[]; shell: string | null }>();
  useEffect(() => {
    // In a game-day, your shell runs as you: your own token and kubeconfig. Alone, the server
    // says the line for the port and data folder it runs with.
    getJson<{ env: string[]; shell: string | null }>('/trainer/me')
      .then(setMe)
      .catch(() => setMe(undefined));
  }, [inSession]);
  const env = inSession ? me?.env : undefined;
  return (
    <Panel title="Your shell">
      <p>Respond with the runbook's commands, as written, from your own terminal:</p>
      {inSession && env ? (
        <>
          <pre className="command shell-env">{env.join('\n')}</pre>
          <p className="quiet">Paste these lines into your shell: your commands then count as yours in this game-day.</p>
        </>
      ) : (
        <pre className="command">{me?.shell ?? 'eval "$(pnpm -s gameday env)"'}</pre>
      )}
      <p className="quiet">
        That sets <code>ADMIN_TOKEN</code>, <code>KUBECONFIG</code> and <code>PATH</code> (for <code>agenc</code>), sends <code>localhost:9090</code> to this drill, and moves
        you into your own folder, where <code>./scripts/speculation-health.sh</code> lives.
      </p>
    </Panel>
  );
}
