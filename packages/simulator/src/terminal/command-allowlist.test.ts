/**
 * Issue 13 (item 3): the terminal's allowlists. Every runbook line passes and runs as checked;
 * an attack corpus of lines that read files, reach other hosts, or slip a verb past the check
 * in a flag's value is refused, each saying what is allowed; and random command lines never get
 * a URL off loopback or a verb off the list.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from './command-line';
import { runTerminalLine } from './terminal-runner';
import { offlineTerminalContext } from './test-terminal';
import { CommandNotAllowedError, checkAgenc, checkCurl, checkHealthScript, checkKubectl, maxCurlUrls, terminalAllowances } from './command-allowlist';

const drillPort = 43117;
const targets = { ports: [9090, drillPort] };
const context = { env: { ADMIN_TOKEN: 's3cret' }, now: new Date('2026-11-28T09:05:07Z') };

/** A line's first program, checked as the terminal checks it: the argv it would run. */
function allowlisted(line: string): string[] {
  const [stage] = parseCommandLine(line, context).stages;
  if (!stage) throw new Error(`no command in ${line}`);
  switch (stage.program) {
    case 'curl':
      return checkCurl(stage.args, targets);
    case 'kubectl':
      return checkKubectl(stage.args);
    case 'agenc':
      return checkAgenc(stage.args);
    case './scripts/speculation-health.sh':
      return checkHealthScript(stage.args);
    default:
      throw new Error(`not a checked program: ${stage.program}`);
  }
}

function refusal(line: string): CommandNotAllowedError {
  try {
    allowlisted(line);
  } catch (error) {
    if (error instanceof CommandNotAllowedError) return error;
    throw error;
  }
  throw new Error(`allowed, but should be refused: ${line}`);
}

/** The runbook's bash blocks, command by command (continuations joined, comments dropped). */
function runbookCommands(): string[] {
  const text = readFileSync(new URL('../../../../scenarios/runbooks/speculation-incident-response.md', import.meta.url), 'utf8');
  const commands: string[] = [];
  for (const [, block] of text.matchAll(/```bash\n([\s\S]*?)```/g)) {
    let pending = '';
    for (const line of block!.split('\n')) {
      if (pending === '' && (line.trim() === '' || line.trim().startsWith('#'))) continue;
      pending += pending === '' ? line : `\n${line}`;
      if (!line.endsWith('\\')) {
        commands.push(pending);
        pending = '';
      }
    }
  }
  return commands;
}

describe("the runbook's own lines", () => {
  const commands = runbookCommands();

  it('finds all 26 commands of the runbook', () => {
    expect(commands).toHaveLength(26);
  });

  it.each(commands.map((command) => [command.split('\n')[0]!, command]))('allows %s', (_first, command) => {
    expect(() => allowlisted(command)).not.toThrow();
  });

  // The lines the end-to-end terminal and runbook tests type, besides the runbook's.
  it.each([
    "curl -s localhost:9090/metrics | grep -E 'speculation_(active|rollback|error)'",
    'kubectl get pods -n production -l component=speculation',
    'agenc speculation rollbacks --since 10m --verbose | head -5',
    `curl -X POST http://localhost:9090/admin/config \\\n  -H "Authorization: Bearer $ADMIN_TOKEN" \\\n  -d '{"speculation.enabled": false}'`,
    'agenc stake status > stake_snapshot_$(date +%Y%m%d_%H%M%S).txt',
    './scripts/speculation-health.sh',
    `curl -X POST http://localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN" -d '{"speculation.max_depth": 3}'`,
    'curl http://localhost:9090/nothing-here --fail',
    'kubectl get deployment proof-worker -n production',
    'kubectl get pods -n production -l component=worker',
    'kubectl get pods -n production',
    // What the health script itself runs.
    'curl -fsS http://localhost:9090/metrics',
    `curl -s http://127.0.0.1:${drillPort}/metrics`,
  ])('allows %s', (line) => {
    expect(() => allowlisted(line)).not.toThrow();
  });

  // What a responder reasonably types beyond the runbook.
  it.each([
    'curl -s -o /dev/null -w "%{http_code}\\n" localhost:9090/metrics',
    'curl -sS -i localhost:9090/admin/status -H "Authorization: Bearer $ADMIN_TOKEN"',
    'curl -v --max-time 5 --connect-timeout 2 localhost:9090/healthz',
    'curl --json \'{"speculation.enabled": false}\' -H "Authorization: Bearer x" localhost:9090/admin/config',
    "curl -G -d 'threshold_ms=60000' localhost:9090/admin/speculation/stuck",
    'curl localhost:9090/metrics localhost:9090/healthz',
    'kubectl get pods -A -o wide',
    'kubectl get deploy,pods -n production --show-labels',
    "kubectl get pods -n production -o jsonpath='{.items[*].metadata.name}'",
    'kubectl get pods -n production --sort-by=.status.startTime --no-headers',
    'kubectl describe deployment proof-worker -n production',
    'kubectl describe pod/speculation-engine-7d9f-abcde -n production',
    'kubectl logs speculation-engine-7d9f-abcde -n production --tail=50 --since=10m',
    'kubectl logs deployment/proof-worker -n production -p -c proof-worker',
    'kubectl logs -l component=speculation -n production --tail 20',
    'kubectl scale deploy/proof-worker --replicas 12 -n production',
    'kubectl rollout status deployment/proof-worker -n production --timeout=30s',
    'kubectl rollout history deployment proof-worker -n production',
    'kubectl rollout undo deployment/proof-worker --to-revision=2 -n production',
    'kubectl top pods -n production --containers --sort-by=memory',
    'kubectl top nodes',
    'kubectl events -n production --for deployment/proof-worker --types=Warning',
    'kubectl -n production get pods',
    'kubectl version --client -o json',
    'kubectl api-resources -o name',
    'kubectl api-versions',
    'kubectl get --help',
    'agenc -o json admin status --component speculation',
    'agenc admin status --verbose -o json',
    'agenc admin status -v',
    'agenc speculation stuck --threshold=90s',
    'agenc help',
    'agenc help speculation',
    'agenc --help',
    'agenc admin --help',
    'agenc --version',
    'agenc config history',
    'agenc config history --since 24h -o json',
    "agenc messages --channel '#platform-alerts' --since 1h",
    'agenc messages --channel=#deploys -o json',
    'agenc help config',
    'agenc dependencies',
    'agenc dependencies -o json',
  ])('allows %s', (line) => {
    expect(() => allowlisted(line)).not.toThrow();
  });
});

describe('the argv each check returns is what was checked, in a form with one reading', () => {
  it("curl: every option and value its own word, URLs spelled out, globbing off", () => {
    expect(allowlisted('curl -sXPOST localhost:9090/admin/config -H"Authorization: Bearer x" -d{}')).toEqual([
      '--globoff',
      '-s',
      '-X',
      'POST',
      'http://localhost:9090/admin/config',
      '-H',
      'Authorization: Bearer x',
      '-d',
      '{}',
    ]);
    expect(allowlisted('curl -fsSo /dev/null 127.0.0.1:9090')).toEqual(['--globoff', '-f', '-s', '-S', '-o', '/dev/null', 'http://127.0.0.1:9090/']);
    expect(allowlisted('curl --max-time 120 HTTP://localhost:9090?x=1')).toEqual(['--globoff', '-m', '120', 'http://localhost:9090/?x=1']);
  });

  it('kubectl: the verb first, flags after it with their values attached', () => {
    expect(allowlisted('kubectl -n production get pods -l component=speculation')).toEqual(['get', 'pods', '--namespace=production', '--selector=component=speculation']);
    expect(allowlisted('kubectl scale deployment proof-worker -n production --replicas=16')).toEqual(['scale', 'deployment', 'proof-worker', '--namespace=production', '--replicas=16']);
    expect(allowlisted('kubectl get pods -nproduction -Ao wide')).toEqual(['get', 'pods', '--namespace=production', '--all-namespaces', '--output=wide']);
    expect(allowlisted('kubectl logs -n=production pod/x --tail 5')).toEqual(['logs', 'pod/x', '--namespace=production', '--tail=5']);
  });

  it("agenc: the words as typed (its command log reads as the runbook's), each value its own word", () => {
    expect(allowlisted('agenc admin gc --component speculation --force')).toEqual(['admin', 'gc', '--component', 'speculation', '--force']);
    expect(allowlisted('agenc speculation rollbacks --since=10m -ojson')).toEqual(['speculation', 'rollbacks', '--since', '10m', '-o', 'json']);
    expect(allowlisted("agenc messages --channel='#platform-alerts' --since=1h")).toEqual(['messages', '--channel', '#platform-alerts', '--since', '1h']);
    expect(allowlisted('agenc config history --since=2h')).toEqual(['config', 'history', '--since', '2h']);
  });

  it('the health script: run with no arguments', () => {
    expect(allowlisted('./scripts/speculation-health.sh')).toEqual([]);
  });
});

/**
 * The attack corpus: each line is refused. By class: settings files, @file reads, write-out,
 * URL tricks, flag-as-value confusion, template files, files written, other tools' settings,
 * Unicode look-alikes.
 */
const attacks: Array<[string, string]> = [
  // Settings files and what they could point at.
  ['curl -K /etc/passwd localhost:9090/metrics', 'option "-K"'],
  ['curl --config .curlrc localhost:9090/metrics', 'option "--config"'],
  ['curl -q localhost:9090/metrics', 'option "-q"'],
  ['curl --proxy http://other-host:3128 localhost:9090/metrics', 'option "--proxy"'],
  ['curl -x other-host:3128 localhost:9090/metrics', 'option "-x"'],
  ['curl --connect-to localhost:9090:other-host:22 localhost:9090/', 'option "--connect-to"'],
  ['curl --resolve localhost:9090:10.0.0.1 localhost:9090/', 'option "--resolve"'],
  ['curl --unix-socket /var/run/docker.sock localhost:9090/', 'option "--unix-socket"'],
  ['curl -L localhost:9090/metrics', 'option "-L"'],
  // @file reads.
  ['curl -v -H @/etc/passwd localhost:9090/metrics', 'reads a file'],
  ['curl -H@/etc/passwd localhost:9090/metrics', 'reads a file'],
  ['curl -d @/etc/passwd localhost:9090/admin/config', 'reads a file'],
  ['curl -sd@kubeconfig localhost:9090/admin/config', 'reads a file'],
  ['curl --data-binary @/etc/shadow localhost:9090/admin/config', 'reads a file'],
  ['curl --json @/etc/passwd localhost:9090/admin/config', 'reads a file'],
  ['curl --data-urlencode x@/etc/passwd localhost:9090/admin/config', 'option "--data-urlencode"'],
  ['curl --data-urlencode @/etc/passwd localhost:9090/admin/config', 'option "--data-urlencode"'],
  ['curl -F x=@/etc/passwd localhost:9090/admin/config', 'option "-F"'],
  ['curl -T /etc/passwd localhost:9090/upload', 'option "-T"'],
  ['curl -b /etc/passwd localhost:9090/metrics', 'option "-b"'],
  // Write-out: reading its format from a file, writing to a file.
  ['curl -w @/etc/passwd localhost:9090/metrics', 'reads a file'],
  ["curl -w '%output{scripts/speculation-health.sh}x' localhost:9090/metrics", 'is not a %{variable}'],
  ["curl -w '%output{>>.curlrc}x' localhost:9090/metrics", 'is not a %{variable}'],
  // Files written.
  ['curl -o scripts/speculation-health.sh localhost:9090/metrics', 'value "scripts/speculation-health.sh" of -o'],
  ['curl -o /tmp/x localhost:9090/metrics', 'value "/tmp/x" of -o'],
  ['curl -O localhost:9090/metrics', 'option "-O"'],
  ['curl -c cookies localhost:9090/metrics', 'option "-c"'],
  ['curl --trace /tmp/trace localhost:9090/metrics', 'option "--trace"'],
  ['curl -D .curlrc localhost:9090/metrics', 'option "-D"'],
  // URL tricks.
  ["curl 'http://localhost:9090\\@other-host:8080/'", 'backslash'],
  ['curl http://localhost:9090@other-host:8080/', 'has an @'],
  ['curl http://user:pw@localhost:9090/metrics', 'has an @'],
  ['curl http://other-host:9090/metrics', 'names the host "other-host"'],
  ['curl http://example.com/', 'names the host "example.com"'],
  ['curl localhost:22', 'names the port 22'],
  ['curl http://localhost/metrics', 'names the port 80'],
  ['curl localhost:09090/metrics', 'names the port 09090'],
  ['curl file:///etc/passwd', 'is file:'],
  ['curl dict://localhost:9090/x', 'is dict:'],
  ['curl gopher://localhost:9090/_x', 'is gopher:'],
  ['curl https://localhost:9090/metrics', 'is https:'],
  ["curl 'localhost:9090/[1-20000]'", 'has {} or []'],
  ["curl 'localhost:9090/{a,b}'", 'has {} or []'],
  ['curl http://2130706433:9090/metrics', 'names the host "2130706433"'],
  ['curl http://0x7f000001:9090/metrics', 'names the host'],
  ['curl http://127.1:9090/metrics', 'names the host "127.1"'],
  ['curl http://0.0.0.0:9090/metrics', 'names the host "0.0.0.0"'],
  ["curl 'http://[::1]:9090/metrics'", 'has {} or []'],
  ['curl http://%6cocalhost:9090/metrics', 'names the host'],
  ['curl http://ｌocalhost:9090/metrics', 'not plain ASCII'],
  ['curl http://localhost:9090#@other-host/', 'has an @'],
  ['curl localhost:9090/metrics --next http://other-host/', 'option "--next"'],
  ['curl --url http://other-host/ localhost:9090/', 'option "--url"'],
  ['curl --max-time=5 localhost:9090/metrics', 'from the next word'],
  [`curl ${Array.from({ length: maxCurlUrls + 1 }, () => 'localhost:9090/metrics').join(' ')}`, `more than ${maxCurlUrls} URLs`],
  ['curl -X CONNECT localhost:9090/', 'value "CONNECT" of -X'],
  // Flag-as-value confusion: a value in the verb's place.
  ['kubectl -n get create secret generic x --from-file=/etc/passwd --dry-run=client -o yaml', 'the verb "create"'],
  ['kubectl -n get create', 'the verb "create"'],
  ['kubectl -n production create secret generic x --from-file=/etc/passwd', 'the verb "create"'],
  ['kubectl -l get delete pods --all', 'the verb "delete"'],
  ['kubectl --request-timeout get exec -it x -- sh', 'the verb "exec"'],
  ['kubectl -o get cp x:/etc/passwd .', 'the verb "cp"'],
  ['kubectl -o yaml get cp x:/etc/passwd .', 'the type "cp"'],
  ['kubectl get -- pods', 'is not needed'],
  // Other verbs, plugins, and kubectl's own settings.
  ['kubectl --kubeconfig=x get pods', 'the flag "--kubeconfig"'],
  ['kubectl --kubeconfig x get pods', 'the flag "--kubeconfig"'],
  ['kubectl --server=http://10.0.0.1 get pods', 'the flag "--server"'],
  ['kubectl get pods -s http://10.0.0.1', 'the flag "-s"'],
  ['kubectl --token=x get pods', 'the flag "--token"'],
  ['kubectl --as=system:admin get pods', 'the flag "--as"'],
  ['kubectl --cache-dir=/tmp/x get pods', 'the flag "--cache-dir"'],
  ['kubectl apply -f /etc/passwd', 'the verb "apply"'],
  ['kubectl delete pods --all', 'the verb "delete"'],
  ['kubectl exec -it speculation-engine-x -- sh', 'the verb "exec"'],
  ['kubectl proxy --port=8001', 'the verb "proxy"'],
  ['kubectl port-forward pod/x 8080:80', 'the verb "port-forward"'],
  ['kubectl config view --raw', 'the verb "config"'],
  ['kubectl auth can-i --list', 'the verb "auth"'],
  ['kubectl set resources deployment/proof-worker --limits=memory=8Gi', 'the verb "set"'],
  ['kubectl gameday-plugin', 'the verb "gameday-plugin"'],
  ['kubectl get pods -w', 'the flag "-w"'],
  ['kubectl logs -f pod/x', 'the flag "-f"'],
  ['kubectl get pods -n kube-public', 'value "kube-public" of --namespace'],
  ['kubectl get secrets', 'the type "secrets"'],
  ['kubectl rollout restart deployment/proof-worker', 'the rollout actions are'],
  ['kubectl scale deployment proof-worker', '--replicas=N'],
  // Template files.
  ['kubectl -o go-template-file=/etc/passwd get pods', 'the formats are'],
  ['kubectl get pods -o jsonpath-file=/etc/passwd', 'the formats are'],
  ['kubectl get pods -o custom-columns-file=/etc/passwd', 'the formats are'],
  ['kubectl get pods -o go-template={{.}}', 'the formats are'],
  // agenc: where and as whom it talks, and what it is.
  ['agenc --url http://elsewhere stake status', 'the option "--url"'],
  ['agenc stake status --url=http://other-host:9090', 'the option "--url=http://other-host:9090"'],
  ['agenc --token other-token admin gc --force', 'the option "--token"'],
  ['agenc admin restart', 'agenc admin "restart"'],
  ['agenc admin gc --force extra', 'takes no arguments'],
  ['agenc speculation snapshots clear --older-than --url', 'value "--url" of --older-than'],
  ['agenc --force admin gc', 'comes after the command'],
  ['agenc admin status --component proof-worker', 'value "proof-worker" of --component'],
  ['agenc messages --channel #random', 'value "#random" of --channel'],
  ['agenc messages --since yesterday', 'value "yesterday" of --since'],
  ['agenc config history --since 1h extra', 'takes no arguments'],
  ['agenc config set speculation.enabled=true', 'agenc config "set"'],
  ['agenc dependencies --channel #deploys', 'the option "--channel"'],
  ['agenc dependencies rpc-1', 'takes no arguments'],
  ['./scripts/speculation-health.sh --debug', 'it takes no arguments'],
  // Unicode look-alikes in option names and values.
  ['curl —X POST localhost:9090/admin/config', 'not plain ASCII'],
  ['curl -s localhost:9090/metrics −o /tmp/x', 'not plain ASCII'],
  ['kubectl get pods -n productiоn', 'of --namespace'],
  ['kubectl gеt pods', 'not plain ASCII'],
  ['kubectl get pods —namespace production', 'not plain ASCII'],
  ['agenc admin gc --fоrce', 'the option'],
];

describe('the attack corpus', () => {
  it('has at least 40 lines', () => {
    expect(attacks.length).toBeGreaterThanOrEqual(40);
  });

  it.each(attacks)('refuses %s (%s)', (line, reason) => {
    const error = refusal(line);
    expect(error.message).toMatch(/^(curl|kubectl|agenc|\.\/scripts\/speculation-health\.sh): not available in this drill: /);
    expect(error.message).toContain(reason);
    // The refusal says what is allowed.
    expect(error.allowed).toMatch(/^(The options|A URL here|The verbs|kubectl \S+ |The commands|agenc \S+|Run it as)/);
  });
});

describe('argv no terminal line can produce, checked all the same', () => {
  it.each([
    ['a header with a line break', () => checkCurl(['-H', 'X: a\r\nHost: other-host', 'localhost:9090/'], targets), 'control character'],
    ['data with a NUL', () => checkCurl(['-d', 'a\u0000b', 'localhost:9090/'], targets), 'control character'],
    ['a verb named after an Object property', () => checkKubectl(['toString']), 'the verb "toString"'],
    ['a type named after an Object property', () => checkKubectl(['get', 'constructor']), 'the type "constructor"'],
    ['an agenc command named after an Object property', () => checkAgenc(['__proto__']), 'the command "__proto__"'],
    ['a rollout action named after an Object property', () => checkKubectl(['rollout', 'hasOwnProperty', 'deployment/x']), 'the rollout actions are'],
  ])('refuses %s', (_name, check, reason) => {
    expect(check).toThrow(CommandNotAllowedError);
    expect(check).toThrow(reason);
  });
});

describe('random command lines', () => {
  const loopbackHosts = ['localhost', '127.0.0.1'];
  // Hosts and ports are weighted towards the allowed ones, so that many lines pass and the
  // property is about the lines that do.
  const host = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...loopbackHosts) },
    { weight: 3, arbitrary: fc.constantFrom('other-host', '127.1', '2130706433', '0x7f000001', '[::1]', '0.0.0.0', 'LOCALHOST', 'localhost.', '127.0.0.1.nip.io', 'localhost%00', '%6cocalhost', 'ｌocalhost', 'localhost:9090@other-host') },
    { weight: 1, arbitrary: fc.domain() },
    { weight: 1, arbitrary: fc.ipV4() },
    { weight: 1, arbitrary: fc.ipV6().map((ip) => `[${ip}]`) },
  );
  const port = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(9090, drillPort) }, { weight: 1, arbitrary: fc.constantFrom(80, 22, 8080, 0) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 70_000 }) });
  const url = fc
    .record({
      scheme: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('', 'http://', 'HTTP://') }, { weight: 1, arbitrary: fc.constantFrom('https://', 'file://', 'dict://', 'gopher://', 'http:/', 'http:\\\\') }),
      userinfo: fc.oneof({ weight: 12, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('user@', 'localhost:9090@', 'a:b@') }),
      host,
      port: fc.option(port, { nil: undefined, freq: 12 }),
      tail: fc.oneof(
        { weight: 12, arbitrary: fc.constantFrom('', '/metrics', '/admin/config?x=1', '/%2e%2e/') },
        { weight: 1, arbitrary: fc.constantFrom('\\@other-host/', '@other-host/', '/{a,b}', '/[1-9]', '#x', '/a b', '/\u00e9') },
        { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
        { weight: 1, arbitrary: fc.webPath() },
      ),
    })
    .map(({ scheme, userinfo, host, port, tail }) => `${scheme}${userinfo}${host}${port === undefined ? '' : `:${port}`}${tail}`);
  const segment = fc.oneof(
    { weight: 6, arbitrary: url.map((item) => [item]) },
    { weight: 3, arbitrary: fc.constantFrom(['-s'], ['-sS'], ['-v'], ['-G'], ['-fsS'], ['-X', 'POST'], ['-o', '/dev/null'], ['-w', '%{http_code}'], ['-m', '5'], ['-H', 'X: y'], ['-d', '{}'], ['--json', '{}'], ['-XPOST'], ['-sXGET']) },
    // A value option followed by a URL-like word, and words of any kind: a value must never be taken for a URL, nor a URL for a value.
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom('-H', '-d', '-w', '-A', '--data-raw', '-X', '-o', '-sd', '-m', '--url', '-x', '--proxy', '-K', '--next'), url) },
    { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 16 }), fc.string({ unit: 'grapheme', maxLength: 8 }), fc.webUrl()).map((item) => [item]) },
  );
  const curlArgs = fc.array(segment, { minLength: 1, maxLength: 6 }).map((segments) => segments.flat());

  it('curl: a line that passes never reaches a host but loopback, nor a port but the drill\'s', () => {
    // The value options of the returned argv, to find its URLs the way curl would.
    const takesValue = new Set(['-X', '-H', '-d', '--data-ascii', '--data-binary', '--data-raw', '--json', '-A', '-m', '--connect-timeout', '-w', '-o']);
    let passed = 0;
    fc.assert(
      fc.property(curlArgs, (args) => {
        let argv: string[];
        try {
          argv = checkCurl(args, targets);
        } catch (error) {
          if (error instanceof CommandNotAllowedError) return;
          throw error;
        }
        passed++;
        for (let i = 0; i < argv.length; i++) {
          const item = argv[i]!;
          if (takesValue.has(item)) {
            i++;
            continue;
          }
          if (item.startsWith('-')) continue;
          const parsed = new URL(item);
          expect(parsed.protocol).toBe('http:');
          expect(loopbackHosts).toContain(parsed.hostname);
          expect(targets.ports).toContain(Number(parsed.port || 80));
          expect(parsed.username + parsed.password).toBe('');
          expect(item).toMatch(/^http:\/\/(localhost|127\.0\.0\.1):\d+\/[^\\@{}[\]#]*$/);
        }
      }),
      { numRuns: 3000 },
    );
    // The generator does reach lines that pass, so the property is not vacuous.
    expect(passed).toBeGreaterThan(100);
  });

  it('kubectl: a line that passes starts with one of the verbs, and every flag is on the list', () => {
    const verbs = ['get', 'describe', 'logs', 'scale', 'rollout', 'top', 'events', 'version', 'api-resources', 'api-versions', '--help'];
    // Lines built from a verb with its objects, flags before and after it, and stray words:
    // weighted so that many pass.
    const verbPart = fc.constantFrom(['get', 'pods'], ['get', 'deploy,pods'], ['scale', 'deployment', 'proof-worker', '--replicas=3'], ['logs', 'x'], ['version'], ['top', 'pods'], ['rollout', 'status', 'deployment/x'], ['describe', 'pod/x'], ['events']);
    const flagPart = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(['-n', 'production'], ['-nproduction'], ['-o', 'yaml'], ['-l', 'app=x'], ['-A'], ['--namespace=default'], ['-h']) },
      { weight: 2, arbitrary: fc.constantFrom(['-n', 'get'], ['-nget'], ['--kubeconfig=x'], ['--kubeconfig', 'x'], ['-o', 'go-template-file=/etc/passwd'], ['--from-file=/etc/passwd'], ['-w'], ['--'], ['-s', 'http://other-host'], ['-l'], ['-o']) },
      { weight: 1, arbitrary: fc.constantFrom('get', 'create', 'delete', 'secret', 'exec', 'cp', 'production', 'toString', '__proto__').map((item) => [item]) },
      { weight: 1, arbitrary: fc.string({ maxLength: 10 }).map((item) => [item]) },
    );
    const kubeArgs = fc.tuple(fc.array(flagPart, { maxLength: 2 }), verbPart, fc.array(flagPart, { maxLength: 3 })).map(([before, verb, after]) => [...before.flat(), ...verb, ...after.flat()]);
    let passed = 0;
    fc.assert(
      fc.property(kubeArgs, (args) => {
        let argv: string[];
        try {
          argv = checkKubectl(args);
        } catch (error) {
          if (error instanceof CommandNotAllowedError) return;
          throw error;
        }
        passed++;
        expect(verbs).toContain(argv[0]);
        for (const item of argv.slice(1).filter((entry) => entry.startsWith('-'))) {
          expect(item).toMatch(/^--(namespace=(default|kube-system|production)|selector=|output=(json|yaml|wide|name|jsonpath=)|all-namespaces$|replicas=\d|help$|show-labels$|no-headers$|request-timeout=|sort-by=|field-selector=|tail=|since=|container=|previous$|timestamps$|all-containers$|current-replicas=|revision=|to-revision=|timeout=|containers$|for=|types=|client$)/);
        }
      }),
      { numRuns: 3000 },
    );
    expect(passed).toBeGreaterThan(100);
  });
});

describe('what the terminal allows, written once', () => {
  it('names every program the terminal runs', () => {
    const programs = terminalAllowances.flatMap(({ program }) => program.split(', '));
    for (const name of ['curl', 'kubectl', 'agenc', './scripts/speculation-health.sh', 'grep', 'head', 'tail', 'wc', 'sort', 'cat', 'echo', 'date', 'ls', 'pwd', 'help']) expect(programs).toContain(name);
  });

  it("is the README's table, row for row", () => {
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    for (const { program, allows } of terminalAllowances) expect(readme).toContain(`| \`${program}\` | ${allows} |`);
  });
});

describe('the filters done in the server', () => {
  const { context: offline } = offlineTerminalContext(context.now);
  const terminal = (line: string) => runTerminalLine(line, { ...offline, port: drillPort });

  it.each([
    ['echo x | grep --include=* x', 'grep: not available in this drill: the option "--include=*". The options: -E, -i, -v, -c, -F, -n, -w, -o'],
    ['echo x | grep -P x', 'grep: not available in this drill: the option "-P"'],
    ['echo x | wc -c', 'wc: not available in this drill: the option "-c". The options: -l'],
    ['echo x | sort -o out.txt', 'sort: not available in this drill: the option "-o". The options: -n, -r'],
    ['echo x | cat -n', 'cat: not available in this drill: the option "-n". cat takes no options'],
    ['ls /etc', 'ls: not available in this drill: "/etc": ls lists the drill folder'],
  ])('refuses %s with exit 2 and what is allowed', async (line, reason) => {
    const result = await terminal(line);
    expect(result).toMatchObject({ stdout: '', exitCode: 2 });
    expect(result.stderr).toContain(reason);
  });

  it('greps in linear time: a pattern that backtracks for ever in a RegExp answers at once', async () => {
    const started = performance.now();
    const result = await terminal(`echo ${'a'.repeat(4000)}b | grep -E '^(a+)+$'`);
    expect(result).toMatchObject({ stdout: '', exitCode: 1 });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('keeps grep -E, -i, -w, -o, -c, -F and -n as before', async () => {
    expect(await terminal("echo speculation_rollback_rate 0.4 | grep -E 'speculation_(active|rollback|error)'")).toMatchObject({ stdout: 'speculation_rollback_rate 0.4\n', exitCode: 0 });
    expect(await terminal('echo Rollback storm | grep -io rollback')).toMatchObject({ stdout: 'Rollback\n' });
    expect(await terminal('echo a.b | grep -cF .')).toMatchObject({ stdout: '1\n' });
    expect(await terminal('echo rollbacks | grep -w rollback')).toMatchObject({ stdout: '', exitCode: 1 });
    expect(await terminal('echo x | grep -n x')).toMatchObject({ stdout: '1:x\n' });
  });
});
