/** Issue 14: /metrics carries kube-state-metrics and cAdvisor series of the same cluster, for the community's alert rules. */
import { beforeEach, describe, expect, it } from 'vitest';
import { useTestServer } from '../http/test-server';
import { clusterMetricsRenderer } from './cluster-metrics';

const t = useTestServer();
beforeEach(() => {
  t.drill.skipTime(30_000, 'warm up');
});

const scrape = async () => (await t.server.inject({ method: 'GET', url: '/metrics' })).body;

/** The samples of one family, as label maps with values. */
function samples(body: string, name: string): Array<{ labels: Record<string, string>; value: number }> {
  return body
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`))
    .map((line) => {
      const labels = Object.fromEntries([...line.slice(line.indexOf('{') + 1, line.lastIndexOf('}')).matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1]!, match[2]!]));
      return { labels, value: Number(line.slice(line.lastIndexOf(' ') + 1)) };
    });
}

describe('kube-state-metrics and cAdvisor series', () => {
  it('has each family the community rules read, with HELP, TYPE and the exporters\' labels', async () => {
    const body = await scrape();
    for (const [name, type] of [
      ['kube_pod_container_status_restarts_total', 'counter'],
      ['kube_pod_container_status_last_terminated_reason', 'gauge'],
      ['kube_pod_status_phase', 'gauge'],
      ['kube_deployment_status_replicas_available', 'gauge'],
      ['kube_deployment_spec_replicas', 'gauge'],
      ['kube_pod_container_resource_limits', 'gauge'],
      ['container_memory_working_set_bytes', 'gauge'],
      ['container_cpu_usage_seconds_total', 'counter'],
    ] as const) {
      expect(body, name).toContain(`# HELP ${name} `);
      expect(body, name).toContain(`# TYPE ${name} ${type}\n`);
    }
    expect(samples(body, 'kube_pod_status_phase')[0]!.labels).toEqual({ namespace: 'production', pod: expect.any(String) as unknown, uid: expect.any(String) as unknown, phase: 'Running' });
    expect(samples(body, 'kube_deployment_spec_replicas')).toContainEqual({ labels: { namespace: 'production', deployment: 'proof-worker' }, value: 8 });
    const limit = samples(body, 'kube_pod_container_resource_limits').find((sample) => sample.labels.container === 'speculation-engine' && sample.labels.resource === 'memory')!;
    expect(limit).toMatchObject({ labels: { unit: 'byte', node: expect.any(String) as unknown }, value: 4 * 1024 ** 3 });
    expect(samples(body, 'container_memory_working_set_bytes')[0]!.labels).toEqual({ namespace: 'production', pod: expect.any(String) as unknown, container: expect.any(String) as unknown, image: expect.stringMatching(/^agenc\/.+:2\.14\.3$/) as unknown });
  });

  it("follows the cluster: an OOM kill shows in restarts and the last terminated reason; memory is the world's", async () => {
    const pod = t.drill.world.cluster.podsOf('speculation-engine')[0]!;
    t.drill.world.cluster.crash(pod, 'OOMKilled');
    t.drill.skipTime(40_000, 'test');
    const body = await scrape();
    expect(samples(body, 'kube_pod_container_status_restarts_total').find((sample) => sample.labels.pod === pod.name)).toMatchObject({ labels: { container: 'speculation-engine', uid: pod.uid }, value: 1 });
    expect(samples(body, 'kube_pod_container_status_last_terminated_reason').filter((sample) => sample.labels.pod === pod.name)).toEqual([{ labels: expect.objectContaining({ reason: 'OOMKilled' }) as unknown, value: 1 }]);
    const memory = samples(body, 'container_memory_working_set_bytes').find((sample) => sample.labels.pod === pod.name)!;
    expect(memory.value).toBe(Math.round(t.drill.world.podMemory(pod)));
    expect(samples(body, 'kube_deployment_status_replicas_available').find((sample) => sample.labels.deployment === 'speculation-engine')!.value).toBe(t.drill.world.cluster.readyCount('speculation-engine'));
  });

  it('counts CPU seconds up over simulated time, and scales replicas as kube-state-metrics would see them', async () => {
    const cpu = (body: string) => samples(body, 'container_cpu_usage_seconds_total').reduce((sum, sample) => sum + sample.value, 0);
    const first = cpu(await scrape());
    t.drill.world.cluster.scale('proof-worker', 12);
    // The scale-up's four pods wait for node capacity first: unschedulable, Pending (issue 14 item 5).
    const waiting = await scrape();
    expect(samples(waiting, 'kube_pod_status_unschedulable')).toHaveLength(4);
    expect(samples(waiting, 'kube_pod_status_phase').filter((sample) => sample.labels.phase === 'Pending')).toHaveLength(4);
    t.drill.skipTime(60_000, 'test');
    const body = await scrape();
    expect(samples(body, 'kube_pod_status_unschedulable')).toHaveLength(0);
    expect(cpu(body)).toBeGreaterThan(first + 60 * 2);
    expect(samples(body, 'kube_deployment_spec_replicas')).toContainEqual({ labels: { namespace: 'production', deployment: 'proof-worker' }, value: 12 });
  });

  it('renders once per state of the world: again after a tick, an action or a cluster change', () => {
    const render = clusterMetricsRenderer(() => t.drill);
    const first = render();
    // Garbage put straight into the model is no tick or action: the same state, the same text.
    const pod = t.drill.world.cluster.podsOf('speculation-engine')[0]!;
    t.drill.world.heapGarbage.set(pod.name, 2 * 1024 ** 3);
    expect(render()).toBe(first);
    // A forced GC is an action: the text is written again, with the memory it left.
    t.drill.world.runGc(true);
    expect(render()).not.toBe(first);
    expect(render()).toContain(`pod="${pod.name}",container="speculation-engine",image="agenc/speculation-engine:2.14.3"} ${Math.round(t.drill.world.podMemory(pod))}\n`);
    t.drill.world.cluster.scale('agenc-gateway', 3);
    expect(render()).toContain('kube_deployment_spec_replicas{namespace="production",deployment="agenc-gateway"} 3\n');
  });
});
