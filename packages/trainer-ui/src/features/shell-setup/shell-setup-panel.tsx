import { useEffect, useState } from 'react';
import { getJson } from '../../lib/api-client';
import { Panel } from '../../components/panel';

/** How to work the drill from a real shell with the runbook's own commands. */
export function ShellSetupPanel({ inSession = false }: { inSession?: boolean }) {
  const [env, setEnv] = useState<string[]>();
  useEffect(() => {
    if (!inSession) return;
    // In a game-day, your shell runs as you: your own token and kubeconfig.
    getJson<{ env: string[] }>('/trainer/me')
      .then((me) => setEnv(me.env))
      .catch(() => setEnv(undefined));
  }, [inSession]);
  return (
    <Panel title="Your shell">
      <p>Respond with the runbook's commands, as written, from your own terminal:</p>
      {inSession && env ? (
        <>
          <pre className="command shell-env">{env.join('\n')}</pre>
          <p className="quiet">Paste these lines into your shell: your commands then count as yours in this game-day.</p>
        </>
      ) : (
        <pre className="command">eval "$(pnpm -s gameday env)"</pre>
      )}
      <p className="quiet">
        That sets <code>ADMIN_TOKEN</code>, <code>KUBECONFIG</code> and <code>PATH</code> (for <code>agenc</code>), sends <code>localhost:9090</code> to this drill, and moves
        you into your own folder, where <code>./scripts/speculation-health.sh</code> lives.
      </p>
    </Panel>
  );
}
