/**
 * Issue 14: the tools an SRE reaches for, run as real kubectl 1.32 in real bash against `gameday
 * serve` on the memory-exhaustion incident after its pods have been OOM-killed: describe, get
 * events, events, top, logs --previous/--tail/--since, rollout history/status/undo and set
 * resources. Each kubectl run has a discovery cache of its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type ServedSimulator } from './support/served-simulator';

let sim: ServedSimulator;
let runs = 0;

/** One kubectl command line with its own --cache-dir, in the drill's shell. */
function kubectl(args: string) {
  runs++;
  return sim.bash(`kubectl --cache-dir ${JSON.stringify(`${sim.dataDir}/kube-cache-${runs}`)} ${args}`);
}

interface PodList {
  items: Array<{ metadata: { name: string }; status: { containerStatuses: Array<{ restartCount: number; lastState: { terminated?: { reason: string } } }> } }>;
}
interface JournalEntry {
  action: string;
  detail?: Record<string, unknown>;
}

let oomKilled: string;

beforeAll(async () => {
  sim = await startSimulator(['--clock', 'virtual', '--seed', '3', '--scenario', 'memory-exhaustion']);
  // Forty simulated minutes in, the leak has OOM-killed speculation pods and they have restarted.
  await sim.control('POST', '/_sim/clock/advance', { ms: 40 * 60_000 });
  const pods = JSON.parse(kubectl('get pods -n production -l component=speculation -o json').stdout) as PodList;
  oomKilled = pods.items.find((pod) => pod.status.containerStatuses[0]!.lastState.terminated?.reason === 'OOMKilled')!.metadata.name;
});
afterAll(async () => {
  await sim.stop();
});

describe('kubectl describe', () => {
  it('describe pod/NAME shows the container, its limits, Last State: Terminated (OOMKilled, 137), conditions and events', () => {
    const result = kubectl(`describe pod/${oomKilled} -n production`);
    expect(result.status).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(new RegExp(`^Name:\\s+${oomKilled}$`, 'm'));
    // Seed 3's variant: the engine team's CI released 2.14.4 shortly before memory began to climb.
    expect(out).toMatch(/^ {4}Image:\s+agenc\/speculation-engine:2\.14\.4$/m);
    expect(out).toMatch(/^ {4}State:\s+Running$/m);
    expect(out).toContain('Last State:     Terminated');
    expect(out).toContain('Reason:       OOMKilled');
    expect(out).toContain('Exit Code:    137');
    expect(out).toMatch(/^ {4}Restart Count:\s+[1-9]\d*$/m);
    expect(out).toMatch(/^ {4}Limits:\n\s+cpu:\s+2\n\s+memory:\s+4Gi$/m);
    expect(out).toMatch(/^Controlled By:\s+ReplicaSet\/speculation-engine-/m);
    expect(out).toMatch(/^Conditions:\n\s+Type\s+Status\n/m);
    expect(out).toMatch(/^Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message$/m);
    expect(out).toMatch(/Warning\s+BackOff\s+\S+(?: \(x\d+ over \S+\))?\s+kubelet\s+Back-off restarting failed container speculation-engine/);
    expect(out).not.toContain('<invalid>');
  });

  it('describe deployment/NAME shows replicas, the pod template, conditions and the new and old ReplicaSets', () => {
    const result = kubectl('describe deployment/speculation-engine -n production');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Replicas:\s+3 desired \| 3 updated \| 3 total \| \d available \| \d unavailable$/m);
    expect(result.stdout).toMatch(/^Annotations:\s+deployment\.kubernetes\.io\/revision: \d+$/m);
    expect(result.stdout).toMatch(/^\s+Image:\s+agenc\/speculation-engine:2\.14\.4$/m);
    expect(result.stdout).toMatch(/^NewReplicaSet:\s+speculation-engine-\w+ \(3\/3 replicas created\)$/m);
    expect(result.stdout).toMatch(/^OldReplicaSets:\s+speculation-engine-\w+ \(0\/0 replicas created\)/m);
  });
});

describe('kubectl get events and kubectl events', () => {
  it('get events lists what happened to the pods, repeats counted', () => {
    const result = kubectl('get events -n production');
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    expect(lines.some((line) => /\sWarning\s+BackOff\s+pod\/speculation-engine-/.test(line))).toBe(true);
    expect(lines.some((line) => /\sNormal\s+Started\s+pod\/speculation-engine-\S+\s+Started container speculation-engine$/.test(line))).toBe(true);
    expect(lines.length).toBeLessThan(1000);
  });

  it('kubectl events reads the same, and the nodes report the OOM kills (-A)', () => {
    const events = kubectl('events -n production');
    expect(events.status).toBe(0);
    expect(events.stdout).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/m);
    expect(events.stdout).toMatch(/Warning\s+BackOff\s+Pod\/speculation-engine-/);
    const oom = kubectl('get events -A --field-selector reason=OOMKilling');
    expect(oom.status).toBe(0);
    expect(oom.stdout).toMatch(/^default\s+\S+\s+Warning\s+OOMKilling\s+node\/ip-10-0-\S+\s+Memory cgroup out of memory: Killed process \d+ \(java\)/m);
  });
});

describe('kubectl top', () => {
  it('top pods shows CPU and memory per pod, the speculation pods in GiB territory', () => {
    const result = kubectl('top pods -n production');
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*$/);
    const engine = lines.filter((line) => line.startsWith('speculation-engine-'));
    expect(engine.length).toBeGreaterThanOrEqual(1);
    for (const line of engine) {
      const [, cpu, memory] = line.trim().split(/\s+/);
      expect(cpu).toMatch(/^\d+m$/);
      expect(Number(memory!.replace('Mi', ''))).toBeGreaterThan(1000);
    }
  });

  it('top nodes shows usage against allocatable', () => {
    const result = kubectl('top nodes');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^NAME\s+CPU\(cores\)\s+CPU(\(%\))?\s+MEMORY\(bytes\)\s+MEMORY(\(%\))?\s*$/m);
    expect(result.stdout.trim().split('\n')).toHaveLength(5);
  });
});

describe('/metrics', () => {
  // Before the rollouts below replace the killed pods (and with them their last terminated state).
  it('carries the kube-state-metrics and cAdvisor series the community rules use', () => {
    const result = sim.bash("curl -s localhost:9090/metrics | grep -E '^(kube_|container_)' | cut -d'{' -f1 | sort -u");
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual(
      expect.arrayContaining([
        'kube_pod_container_status_restarts_total',
        'kube_pod_container_status_last_terminated_reason',
        'kube_pod_status_phase',
        'kube_deployment_status_replicas_available',
        'kube_deployment_spec_replicas',
        'kube_pod_container_resource_limits',
        'container_memory_working_set_bytes',
        'container_cpu_usage_seconds_total',
      ]),
    );
    const restarts = sim.bash(`curl -s localhost:9090/metrics | grep '^kube_pod_container_status_restarts_total{.*pod="${oomKilled}"'`);
    expect(restarts.stdout).toMatch(/ [1-9]\d*\n$/);
  });
});

describe('kubectl logs', () => {
  it("--previous shows the killed container's lines; --tail and --since narrow the current one's", () => {
    const previous = kubectl(`logs ${oomKilled} -n production --previous`);
    expect(previous.status).toBe(0);
    expect(previous.stdout.trim().split('\n').length).toBeGreaterThan(0);
    expect(previous.stdout).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z (INFO|WARN|DEBUG|ERROR)\s/m);
    const tail = kubectl(`logs ${oomKilled} -n production --tail=2`);
    expect(tail.status).toBe(0);
    expect(tail.stdout.trim().split('\n').length).toBeLessThanOrEqual(2);
    expect(kubectl(`logs ${oomKilled} -n production --since=1m`).status).toBe(0);
  });

  it('--previous on a pod that never restarted fails as real kubectl does', () => {
    const gateway = kubectl('get pods -n production -l component=gateway -o name').stdout.trim().split('\n')[0]!.replace('pod/', '');
    const result = kubectl(`logs ${gateway} -n production --previous`);
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(`Error from server (BadRequest): previous terminated container "agenc-gateway" in pod "${gateway}" not found`);
  });
});

describe('kubectl rollout', () => {
  it('rollout history lists the revisions with their change-causes, the current 2.14.4 (released during the drill) after 2.14.3', () => {
    const result = kubectl('rollout history deployment/speculation-engine -n production');
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^deployment\.apps\/speculation-engine\s*$/);
    expect(lines[1]).toMatch(/^REVISION\s+CHANGE-CAUSE$/);
    expect(lines.at(-1)).toMatch(/^\d+\s+deploy agenc\/speculation-engine:2\.14\.4 \(snapshot compaction rework, release pipeline #\d+\)$/);
    expect(lines.at(-2)).toMatch(/^\d+\s+deploy agenc\/speculation-engine:2\.14\.3 /);
  });

  it('rollout status deployment/proof-worker reports proof-worker, not another deployment, and nothing on stderr', () => {
    const result = kubectl('rollout status deployment/proof-worker -n production --timeout=30s');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('deployment "proof-worker" successfully rolled out\n');
    expect(result.stderr).toBe('');
  });

  it('rollout undo rolls speculation-engine back to 2.14.3; status waits for it; the journal notes from and to', async () => {
    const undo = kubectl('rollout undo deployment/speculation-engine -n production');
    expect(undo.status).toBe(0);
    expect(undo.stdout.trim()).toBe('deployment.apps/speculation-engine rolled back');
    const status = kubectl('rollout status deployment/speculation-engine -n production --timeout=60s');
    expect(status.status).toBe(0);
    expect(status.stdout.trim().split('\n').at(-1)).toBe('deployment "speculation-engine" successfully rolled out');
    const images = kubectl("get pods -n production -l component=speculation -o jsonpath='{.items[*].spec.containers[0].image}'");
    expect(new Set(images.stdout.split(' ').filter((image) => !image.endsWith('2.14.4')))).toEqual(new Set(['agenc/speculation-engine:2.14.3']));
    const history = kubectl('rollout history deployment/speculation-engine -n production').stdout.trim().split('\n');
    expect(history.at(-1)).toMatch(/^\d+\s+deploy agenc\/speculation-engine:2\.14\.3 /);
    const journal = await sim.control<{ entries: JournalEntry[] }>('GET', '/_sim/journal?source=kube&limit=500');
    const entry = journal.entries.find((candidate) => candidate.action === 'kubectl rollout undo' && candidate.detail?.rolledBack === true)!;
    expect(entry.detail).toMatchObject({ deployment: 'speculation-engine', fromRevision: expect.any(Number) as unknown, toRevision: expect.any(Number) as unknown, image: 'agenc/speculation-engine:2.14.3' });
    expect(entry.detail!.revision).toBe((entry.detail!.fromRevision as number) + 1);
  });

  it('rollout undo --to-revision=N goes to that revision', () => {
    const history = kubectl('rollout history deployment/agenc-worker -n production').stdout.trim().split('\n').slice(2);
    const oldest = history[0]!.split(/\s+/)[0]!;
    const result = kubectl(`rollout undo deployment/agenc-worker -n production --to-revision=${oldest}`);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe('deployment.apps/agenc-worker rolled back');
    expect(kubectl("get deployment agenc-worker -n production -o jsonpath='{.spec.template.spec.containers[0].image}'").stdout).not.toBe('agenc/worker:2.14.3');
  });
});

describe('kubectl set resources', () => {
  it('raises the memory limit for new pods and rolls them', () => {
    const result = kubectl('set resources deployment/speculation-engine -c speculation-engine --limits=memory=6Gi -n production');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe('deployment.apps/speculation-engine resource requirements updated');
    expect(kubectl('rollout status deployment/speculation-engine -n production --timeout=60s').status).toBe(0);
    const limits = kubectl("get pods -n production -l component=speculation --field-selector status.phase=Running -o jsonpath='{.items[*].spec.containers[0].resources.limits.memory}'");
    expect(limits.stdout.split(' ')).toContain('6Gi');
    const pods = JSON.parse(kubectl('get pods -n production -l component=speculation -o json').stdout) as { items: Array<{ metadata: { name: string; deletionTimestamp?: string } }> };
    const rolled = pods.items.find((pod) => pod.metadata.deletionTimestamp === undefined)!.metadata.name;
    expect(kubectl(`describe pod/${rolled} -n production`).stdout).toMatch(/^ {4}Limits:\n\s+cpu:\s+2\n\s+memory:\s+6Gi$/m);
  });

  it('refuses a limit no node can give with the API server\'s 422, and changes nothing', () => {
    const result = kubectl('set resources deployment/proof-worker -c proof-worker --limits=memory=100Gi -n production');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Deployment.apps "proof-worker" is invalid: spec.template.spec.containers[0].resources.limits[memory]: Invalid value: "100Gi": must be between 64Mi and 30Gi');
    expect(kubectl("get deployment proof-worker -n production -o jsonpath='{.spec.template.spec.containers[0].resources.limits.memory}'").stdout).toBe('2Gi');
  });
});

describe('a scale-up waits for node capacity (issue 14 item 5)', () => {
  it('kubectl shows the new pods Pending on no node with FailedScheduling, then ContainerCreating and Running', async () => {
    const before = new Set(kubectl("get pods -n production -l component=gateway -o jsonpath='{.items[*].metadata.name}'").stdout.split(' '));
    expect(kubectl('scale deployment/agenc-gateway --replicas=4 -n production').status).toBe(0);
    const table = kubectl('get pods -n production -l component=gateway -o wide').stdout.trim().split('\n').slice(1);
    const pending = table.filter((line) => !before.has(line.split(/\s+/)[0]!));
    expect(pending).toHaveLength(2);
    for (const line of pending) expect(line).toMatch(/^agenc-gateway-\S+\s+0\/1\s+Pending\s+0\s+\S+\s+<none>\s+<none>$/);
    const name = pending[0]!.split(/\s+/)[0]!;
    const described = kubectl(`describe pod/${name} -n production`).stdout;
    expect(described).toMatch(/^Status:\s+Pending$/m);
    expect(described).toMatch(/^Node:\s+<none>$/m);
    expect(described).toMatch(/PodScheduled\s+False/);
    expect(described).toMatch(/Warning\s+FailedScheduling\s+\S+\s+default-scheduler\s+0\/4 nodes are available: 4 Insufficient cpu\./);
    expect(kubectl('get events -n production --field-selector reason=FailedScheduling').stdout).toContain(`pod/${name}`);
    // The wait is 10-60 s: after 61 simulated seconds the pod is scheduled and its container created or running.
    await sim.control('POST', '/_sim/clock/advance', { ms: 61_000 });
    const after = kubectl(`get pod ${name} -n production -o wide`).stdout;
    expect(after).toMatch(/\s(ContainerCreating|Running)\s/);
    expect(after).not.toContain('<none>');
    expect(kubectl(`describe pod/${name} -n production`).stdout).toMatch(/Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned production\//);
  });
});

describe('what goes on beside the incident on normal (issue 14 item 5: red herrings)', () => {
  it("another team's workload is in get pods, top pods and describe node; the log rotation is in get events -A; node-exporter's volume series are on /metrics", async () => {
    // Past the hourly log rotation's first run (18-45 min into every drill) and its completion.
    await sim.control('POST', '/_sim/clock/advance', { ms: 30 * 60_000 });
    const pods = kubectl('get pods -n production -l app=ledger-reindex -o wide');
    expect(pods.status).toBe(0);
    const row = pods.stdout.trim().split('\n')[1]!;
    expect(row).toMatch(/^ledger-reindex-[a-z0-9]+-[a-z0-9]{5}\s+1\/1\s+Running\s+0\s+\S+\s+10\.244\.\d+\.\d+\s+ip-10-0-\d+-\d+\.ec2\.internal\b/);
    const [name, , , , , , node] = row.split(/\s+/);
    expect(kubectl("get pods -n production -l component=speculation -o jsonpath='{.items[*].spec.nodeName}'").stdout.split(' ')).toContain(node);
    const top = kubectl('top pods -n production').stdout;
    expect(top).toMatch(new RegExp(`^${name}\\s+\\d+m\\s+\\d+Mi\\s*$`, 'm'));
    const described = kubectl(`describe node ${node}`);
    expect(described.status).toBe(0);
    expect(described.stdout).toMatch(new RegExp(`^\\s+production\\s+${name}\\s+1 \\(12%\\)\\s+4 \\(50%\\)\\s+4Gi \\(12%\\)\\s+8Gi \\(25%\\)`, 'm'));
    const events = kubectl('get events -A');
    expect(events.status).toBe(0);
    expect(events.stdout).toMatch(/^kube-system\s+\S+\s+Normal\s+SuccessfulCreate\s+cronjob\/log-rotate\s+Created job log-rotate-\d+$/m);
    expect(events.stdout).toMatch(/^kube-system\s+\S+\s+Normal\s+Completed\s+job\/log-rotate-\d+\s+Job completed$/m);
    const metrics = sim.bash("curl -s localhost:9090/metrics | grep -E '^node_filesystem_(avail|size)_bytes' | wc -l");
    expect(metrics.stdout.trim()).toBe('8');
  });
});
