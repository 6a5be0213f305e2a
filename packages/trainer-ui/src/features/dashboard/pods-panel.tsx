import type { TraineeView } from '@gameday/simulator';
import { Panel } from '../../components/panel';

/** Deployments and their pods, as `kubectl get pods -n production` would show them. */
export function PodsPanel({ deployments, pods }: { deployments: TraineeView['deployments']; pods: TraineeView['pods'] }) {
  return (
    <Panel title="Pods (production)">
      <table>
        <thead>
          <tr>
            <th scope="col">Deployment</th>
            <th scope="col">Ready</th>
            <th scope="col">Pods</th>
          </tr>
        </thead>
        <tbody>
          {deployments.map((deployment) => (
            <tr key={deployment.name}>
              <td>{deployment.name}</td>
              <td className={deployment.ready < deployment.desired ? 'bad' : ''}>
                {deployment.ready}/{deployment.desired}
              </td>
              <td>
                {pods
                  .filter((pod) => pod.deployment === deployment.name)
                  .map((pod) => (
                    <span key={pod.name} className={`pod ${pod.status}`} title={`${pod.name}: ${pod.status}, ${pod.restarts} restarts`}>
                      {pod.status === 'Running' ? '●' : '○'}
                    </span>
                  ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}
