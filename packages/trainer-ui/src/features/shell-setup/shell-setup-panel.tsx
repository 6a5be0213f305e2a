import { Panel } from '../../components/panel';

/** How to work the drill from a real shell with the runbook's own commands. */
export function ShellSetupPanel() {
  return (
    <Panel title="Your shell">
      <p>Respond with the runbook's commands, as written, from your own terminal:</p>
      <pre className="command">eval "$(pnpm -s gameday env)"</pre>
      <p className="quiet">
        That sets <code>ADMIN_TOKEN</code>, <code>KUBECONFIG</code> and <code>PATH</code> (for <code>agenc</code>), sends <code>localhost:9090</code> to this drill, and moves
        you into the drill folder where <code>./scripts/speculation-health.sh</code> lives.
      </p>
    </Panel>
  );
}
