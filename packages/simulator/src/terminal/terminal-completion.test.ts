import { describe, expect, it } from 'vitest';
import { completeTerminalLine, maxCandidates, type ClusterNames } from './terminal-completion';

const names: ClusterNames = {
  namespaces: ['default', 'kube-system', 'production'],
  deployments: { production: ['proof-worker', 'speculation-worker'], 'kube-system': ['coredns'] },
  pods: { production: ['speculation-worker-7d9f-abcde', 'speculation-worker-7d9f-fghij', 'proof-worker-5c4b-xyz12'], 'kube-system': ['coredns-1'] },
  nodes: ['node-a', 'node-b'],
};
const complete = (line: string, cursor = line.length) => completeTerminalLine(line, cursor, names);

describe('completeTerminalLine', () => {
  it('completes the program at the start of a line, and only the filters after a pipe', () => {
    expect(complete('ku')).toEqual({ from: 0, candidates: ['kubectl'] });
    expect(complete('').candidates).toEqual(expect.arrayContaining(['agenc', 'curl', 'kubectl', './scripts/speculation-health.sh', 'help']));
    expect(complete('agenc admin status | he')).toEqual({ from: 21, candidates: ['head'] });
    expect(complete('agenc admin status | ').candidates).toEqual(['cat', 'grep', 'head', 'sort', 'tail', 'wc']);
  });

  it("completes kubectl's verbs, types, and the cluster's names in the namespace the line gives", () => {
    expect(complete('kubectl g').candidates).toEqual(['get']);
    expect(complete('kubectl r').candidates).toEqual(['rollout']);
    expect(complete('kubectl get po').candidates).toEqual(['pods']);
    expect(complete('kubectl get pods -n production spec').candidates).toEqual(['speculation-worker-7d9f-abcde', 'speculation-worker-7d9f-fghij']);
    expect(complete('kubectl -n kube-system get deploy ').candidates).toEqual(['coredns']);
    expect(complete('kubectl describe deployment/pr').candidates).toEqual(['deployment/proof-worker']);
    expect(complete('kubectl logs proof').candidates).toEqual(['proof-worker-5c4b-xyz12']);
    expect(complete('kubectl rollout u').candidates).toEqual(['undo']);
    expect(complete('kubectl scale deployment p').candidates).toEqual(['proof-worker']);
    expect(complete('kubectl top no').candidates).toEqual(['nodes']);
    expect(complete('kubectl top nodes ').candidates).toEqual(['node-a', 'node-b']);
  });

  it("completes kubectl's flags for the verb, and the values an option allows", () => {
    expect(complete('kubectl get pods --sho').candidates).toEqual(['--show-labels']);
    expect(complete('kubectl scale deployment proof-worker --rep').candidates).toEqual(['--replicas=']);
    expect(complete('kubectl get pods -n ').candidates).toEqual(['default', 'kube-system', 'production']);
    expect(complete('kubectl get pods -n p')).toEqual({ from: 20, candidates: ['production'] });
    expect(complete('kubectl get pods --namespace=k').candidates).toEqual(['--namespace=kube-system']);
    expect(complete('kubectl get pods -o y').candidates).toEqual(['yaml']);
    expect(complete('kubectl top pods --sort-by ').candidates).toEqual(['cpu', 'memory']);
  });

  it("completes agenc's commands word by word, then the command's options and their values", () => {
    expect(complete('agenc ').candidates).toEqual(['admin', 'config', 'dependencies', 'help', 'messages', 'proof-worker', 'speculation', 'stake']);
    expect(complete('agenc admin s').candidates).toEqual(['status']);
    expect(complete('agenc speculation ').candidates).toEqual(['rollbacks', 'snapshots', 'stuck']);
    expect(complete('agenc admin status --').candidates).toEqual(['--component', '--help', '--output', '--verbose', '--version']);
    expect(complete('agenc admin status --component ').candidates).toEqual(['speculation']);
    expect(complete('agenc admin status -o ').candidates).toEqual(['human', 'json']);
  });

  it("completes curl's options and the runbook's URLs", () => {
    expect(complete('curl --max').candidates).toEqual(['--max-time']);
    expect(complete('curl -s http://localhost:9090/ad').candidates).toEqual(['http://localhost:9090/admin/config', 'http://localhost:9090/admin/speculation/drain']);
  });

  it('completes the word at the cursor, not the end of the line', () => {
    const line = 'kubectl ge pods -n production';
    expect(complete(line, 10)).toEqual({ from: 8, candidates: ['get'] });
  });

  it('offers nothing inside quotes, for unknown programs, or past a command that takes no more words', () => {
    expect(complete("curl -d '{\"spec").candidates).toEqual([]);
    expect(complete('rm -').candidates).toEqual([]);
    expect(complete('agenc admin status x').candidates).toEqual([]);
  });

  it('never answers more than the cap, whatever the cluster holds, and treats hostile text as text', () => {
    const many = { ...names, pods: { production: Array.from({ length: 1000 }, (_, i) => `pod-${i}`) } };
    expect(completeTerminalLine('kubectl get pods ', 17, many).candidates).toHaveLength(maxCandidates);
    expect(complete('kubectl get __proto__ ').candidates).toEqual([]);
    expect(complete('agenc constructor ').candidates).toEqual([]);
    expect(complete('kubectl get pods', 9999).from).toBe(12);
    expect(complete('kubectl get pods', -5)).toEqual({ from: 0, candidates: expect.any(Array) as unknown });
  });
});
