/**
 * What the in-browser terminal lets curl, kubectl, agenc and the runbook's health script do. For
 * each tool, a table of the options and verbs the runbook and a reasonable responder use, read
 * word by word the way the tool itself reads them, so that a flag's value is never taken for a
 * verb or a URL. Each check returns the argv to run, rewritten so the tool cannot read it any
 * other way than it was checked: curl gets each option and value as separate words and every URL
 * spelled out in full; kubectl gets the verb first and every flag as `--name=value`; agenc gets
 * each value as its own word. Anything not in a table is refused, and the refusal says what is
 * allowed. Pure functions: no I/O. The settings the tools need from outside the participant's
 * reach (curl's `-q`, kubectl's `--kubeconfig`) are added by whoever spawns them, after these checks.
 */
import { parseDuration } from '../cli/duration';
import { namespaces } from '../world/cluster';
import { messageChannels } from '../world/outside-changes';
import { CommandLineError } from './command-line';

/**
 * A refusal: `<tool>: not available in this drill: <why>. <what is allowed>`. A CommandLineError,
 * so the terminal answers it as it answers any line it cannot run (exit status 2).
 */
export class CommandNotAllowedError extends CommandLineError {
  constructor(
    readonly tool: string,
    readonly why: string,
    readonly allowed: string,
  ) {
    super(`${tool}: not available in this drill: ${why}. ${allowed}`);
    this.name = 'CommandNotAllowedError';
  }
}

/** A participant's word, shown back safely: clipped, and anything but printable ASCII escaped, so a look-alike shows as what it is. */
function shown(word: string): string {
  const clipped = word.length > 60 ? `${word.slice(0, 57)}...` : word;
  const escaped = clipped.replace(/[^\x20-\x7e]/gu, (char) => [...char].map((unit) => `\\u{${unit.codePointAt(0)!.toString(16)}}`).join(''));
  return `"${escaped}"`;
}

/** A table's own entry for a participant's word: never one inherited from Object (`toString`, `constructor`). */
function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** A value check: undefined when the value is fine, else why not; with the values it allows, when it allows a few (for Tab completion). */
type ValueCheck = ((value: string) => string | undefined) & { choices?: readonly string[] };

const printable = /^[\x20-\x7e]*$/;
/** Text sent as-is to the drill's own service: any text but control characters (a CR or LF would start another header). */
const literalText: ValueCheck = (value) => ([...value].some((char) => (char < ' ' && char !== '\t') || char === '\x7f') ? 'it holds a control character' : undefined);
/** curl reads a file when a header, data or write-out value starts with `@`; here they are text only. */
const literalNotFile: ValueCheck = (value) => (value.startsWith('@') ? 'a value starting with @ reads a file; give the text itself' : literalText(value));
const oneOf = (...allowed: string[]): ValueCheck => Object.assign((value: string) => (allowed.includes(value) ? undefined : `it is one of ${allowed.join(', ')}`), { choices: allowed });
const matching =
  (pattern: RegExp, what: string): ValueCheck =>
  (value) =>
    pattern.test(value) ? undefined : `it is ${what}`;

// ---- curl ---------------------------------------------------------------------------------

interface CurlOption {
  long: string;
  short?: string;
  /** Present when the option takes a value (the next word, or the rest of a short cluster). */
  value?: { name: string; check: ValueCheck };
}

const seconds = matching(/^\d{1,4}(?:\.\d{1,3})?$/, 'a number of seconds, such as 120 or 2.5');

/**
 * write-out: plain text, `\n`-style escapes, `%%` and `%{variable}`. Refused: `@file` (reads
 * the format from a file) and every other `%word{…}` form, since curl 8.3's `%output{file}`
 * writes a file (`%header{…}` and `%time{…}` are harmless but not needed for a drill).
 */
const writeOut: ValueCheck = (value) => {
  if (value.startsWith('@')) return 'a format starting with @ reads a file; give the format itself';
  const control = literalText(value);
  if (control) return control;
  for (let i = value.indexOf('%'); i >= 0; i = value.indexOf('%', i + 1)) {
    const rest = value.slice(i + 1);
    if (rest.startsWith('%')) {
      i++;
      continue;
    }
    const variable = /^\{[a-z0-9_.]{1,40}\}/.exec(rest);
    if (!variable) return `${shown(value.slice(i, i + 12))} is not a %{variable}`;
    i += variable[0].length;
  }
  return undefined;
};

/**
 * The options a responder needs against the drill's HTTP service. What is left out, and why:
 * everything that reads or writes a local file (`-K/--config`, `-T`, `-F`, `-b`, `-c`, `-D`,
 * `-O`, `--trace*`, `--libcurl`, `-n`, TLS key and certificate files; `-o` except to /dev/null),
 * everything that changes where or how curl connects (`-x/--proxy`, `--resolve`,
 * `--connect-to`, `--unix-socket`, `--interface`, `-L`, which would follow a redirect to any
 * host), `--data-urlencode` (its `name@file` form reads a file, and the runbook does not need
 * it), `-:/--next` (starts a second, unchecked request) and `--url` (URLs are given as words).
 * curl reads a long option's value from the next word only (`--max-time=5` is unknown to curl).
 */
const curlOptions: readonly CurlOption[] = [
  { long: '--request', short: 'X', value: { name: 'METHOD', check: oneOf('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD') } },
  { long: '--header', short: 'H', value: { name: "'Name: value'", check: literalNotFile } },
  { long: '--data', short: 'd', value: { name: 'TEXT', check: literalNotFile } },
  { long: '--data-ascii', value: { name: 'TEXT', check: literalNotFile } },
  { long: '--data-binary', value: { name: 'TEXT', check: literalNotFile } },
  // --data-raw never reads a file, even for a value starting with @.
  { long: '--data-raw', value: { name: 'TEXT', check: literalText } },
  { long: '--json', value: { name: 'TEXT', check: literalNotFile } },
  { long: '--user-agent', short: 'A', value: { name: 'TEXT', check: literalText } },
  { long: '--max-time', short: 'm', value: { name: 'SECONDS', check: seconds } },
  { long: '--connect-timeout', value: { name: 'SECONDS', check: seconds } },
  { long: '--write-out', short: 'w', value: { name: "'%{variable}…'", check: writeOut } },
  // Only to nowhere (`-o /dev/null -w '%{http_code}'` is a common check) or to the screen.
  { long: '--output', short: 'o', value: { name: '/dev/null', check: oneOf('/dev/null', '-') } },
  { long: '--silent', short: 's' },
  { long: '--show-error', short: 'S' },
  { long: '--include', short: 'i' },
  { long: '--head', short: 'I' },
  { long: '--verbose', short: 'v' },
  { long: '--fail', short: 'f' },
  { long: '--fail-with-body' },
  { long: '--get', short: 'G' },
  { long: '--globoff', short: 'g' },
  { long: '--compressed' },
  { long: '--no-buffer', short: 'N' },
  { long: '--no-progress-meter' },
];

const curlByLong = new Map(curlOptions.map((option) => [option.long, option]));
const curlByShort = new Map(curlOptions.filter((option) => option.short !== undefined).map((option) => [option.short!, option]));

/** At most this many URLs in one line: one curl is one look, not a flood. */
export const maxCurlUrls = 8;

/** Where curl may go: the runbook's port and the drill's own. */
export interface CurlTargets {
  ports: readonly number[];
}

function curlOptionsSummary(): string {
  return `The options: ${curlOptions.map((option) => `${option.short ? `-${option.short}/` : ''}${option.long}${option.value ? ` ${option.value.name}` : ''}`).join(', ')}; short ones combine (-sS, -fsS)`;
}

function curlUrlsSummary(targets: CurlTargets): string {
  const ports = [...new Set(targets.ports)];
  return `A URL here is http://localhost:PORT/path or localhost:PORT/path (or 127.0.0.1), PORT ${ports.join(' or ')}, the path in plain ASCII; for example: curl -s localhost:9090/metrics`;
}

const urlPath = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:/?]|%[0-9A-Fa-f]{2})*$/;

/**
 * One URL, read as curl reads it, and spelled out in full (`http://host:port/path`) so that curl
 * cannot read it any other way. Refused: anything but plain ASCII; a scheme other than http; a
 * host other than `localhost` or `127.0.0.1` as written (no other spelling of loopback: `127.1`,
 * `2130706433`, `0x7f000001`, `[::1]`, `0.0.0.0`, percent-encoded or Unicode names); userinfo
 * (`@` anywhere); backslashes; globbing (`{}` `[]`); a fragment; a port other than the drill's.
 */
function curlUrl(word: string, targets: CurlTargets): string {
  const refuse = (why: string) => new CommandNotAllowedError('curl', why, curlUrlsSummary(targets));
  if (!printable.test(word)) throw refuse(`the URL ${shown(word)} is not plain ASCII`);
  if (word.includes('\\')) throw refuse(`the URL ${shown(word)} has a backslash`);
  if (word.includes('@')) throw refuse(`the URL ${shown(word)} has an @ (a user name, or another host after it)`);
  if (/[{}[\]]/.test(word)) throw refuse(`the URL ${shown(word)} has {} or [] (curl would expand it into many URLs)`);
  const shape = /^(?:([A-Za-z][A-Za-z0-9+.-]*):\/\/)?([^/?#]*)(.*)$/s.exec(word)!;
  const scheme = shape[1];
  if (scheme !== undefined && scheme.toLowerCase() !== 'http') throw refuse(`the URL ${shown(word)} is ${scheme}:, not http:`);
  const authority = /^(localhost|127\.0\.0\.1)(?::([0-9]{1,5}))?$/.exec(shape[2]!);
  if (!authority) throw refuse(`the URL ${shown(word)} names the host ${shown(shape[2]!.replace(/:[0-9]*$/, ''))}`);
  const port = authority[2] === undefined ? 80 : Number(authority[2]);
  if (!targets.ports.includes(port) || (authority[2] !== undefined && authority[2] !== String(port))) throw refuse(`the URL ${shown(word)} names the port ${authority[2] ?? '80 (none given)'}`);
  const rest = shape[3]!;
  if (!urlPath.test(rest) || (rest !== '' && !rest.startsWith('/') && !rest.startsWith('?'))) throw refuse(`the path of ${shown(word)} has a character a URL path does not take as written`);
  return `http://${authority[1]!}:${port}${rest.startsWith('/') ? rest : `/${rest}`}`;
}

/**
 * Checks a curl command line and returns the argv to run: `--globoff` first (the URLs hold no
 * globbing characters, and curl is told not to look for any), then each option as typed but one
 * word per option and one per value (`-sXPOST` becomes `-s -X POST`), each URL spelled out in full.
 * The caller adds `-q` (no settings file) in front when it spawns curl.
 */
export function checkCurl(args: readonly string[], targets: CurlTargets): string[] {
  const refuseOption = (why: string) => new CommandNotAllowedError('curl', why, curlOptionsSummary());
  const argv = ['--globoff'];
  let urls = 0;
  const takeValue = (option: CurlOption, value: string | undefined, typed: string) => {
    const spec = option.value!;
    if (value === undefined) throw refuseOption(`${typed} needs a value: ${typed} ${spec.name}`);
    const why = spec.check(value);
    if (why !== undefined) throw refuseOption(`the value ${shown(value)} of ${typed}: ${why}`);
    argv.push(option.short ? `-${option.short}` : option.long, value);
  };
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word.startsWith('--')) {
      const name = word.split('=')[0]!;
      const option = curlByLong.get(word);
      if (option === undefined) {
        if (curlByLong.get(name)?.value) throw refuseOption(`curl reads an option's value from the next word (${name} ${curlByLong.get(name)!.value!.name}), not after =`);
        throw refuseOption(`the option ${shown(word)}`);
      }
      if (option.value) takeValue(option, args[++i], word);
      else argv.push(option.long);
    } else if (word.startsWith('-') && word.length > 1) {
      // A cluster of short options, as curl reads it: each letter an option; the first that
      // takes a value takes the rest of the word, or the next word when nothing is left.
      for (let j = 1; j < word.length; j++) {
        const letter = word[j]!;
        const option = curlByShort.get(letter);
        if (option === undefined) throw refuseOption(`the option ${shown(`-${word.slice(j, j + 1)}`)}${word.length > 2 ? ` (in ${shown(word)})` : ''}`);
        if (option.value) {
          takeValue(option, j + 1 < word.length ? word.slice(j + 1) : args[++i], `-${letter}`);
          break;
        }
        argv.push(`-${letter}`);
      }
    } else {
      if (++urls > maxCurlUrls) throw new CommandNotAllowedError('curl', `more than ${maxCurlUrls} URLs in one line`, curlUrlsSummary(targets));
      argv.push(curlUrl(word, targets));
    }
  }
  if (urls === 0) throw new CommandNotAllowedError('curl', 'no URL given', curlUrlsSummary(targets));
  return argv;
}

// ---- kubectl ------------------------------------------------------------------------------

interface KubeFlag {
  long: string;
  short?: string;
  /** Absent for a boolean flag. */
  value?: { name: string; check: ValueCheck };
}

interface KubeVerb {
  /** Flags of this verb, besides the global ones. */
  flags: KubeFlag[];
  /** Checks the positional words (after the verb); undefined when fine, else why not. */
  positionals: (words: string[], flags: ReadonlyMap<string, string | true>) => string | undefined;
  /** How to use it, for the refusal and for `help`. */
  usage: string;
}

/** A Kubernetes object name (DNS-1123 subdomain). */
const kubeName = /^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?$/;
/** Resource types by every name kubectl accepts for them here. */
const kubeTypes: Record<string, string> = {
  pods: 'pods',
  pod: 'pods',
  po: 'pods',
  deployments: 'deployments',
  deployment: 'deployments',
  deploy: 'deployments',
  replicasets: 'replicasets',
  replicaset: 'replicasets',
  rs: 'replicasets',
  namespaces: 'namespaces',
  namespace: 'namespaces',
  ns: 'namespaces',
  nodes: 'nodes',
  node: 'nodes',
  no: 'nodes',
  events: 'events',
  event: 'events',
  ev: 'events',
};

const labelSelector = matching(/^[A-Za-z0-9._/=!,() -]{1,256}$/, 'a label selector such as component=speculation');
const fieldSelector = matching(/^[A-Za-z0-9._/=!,-]{1,256}$/, 'a field selector such as status.phase=Running');
const kubeDuration = matching(/^(?:\d{1,6}(?:ms|s|m|h))+$/, 'a duration such as 30s, 10m or 1h');
const count = (max: number): ValueCheck => matching(new RegExp(`^(?:0|[1-9]\\d{0,${String(max).length - 1}})$`), `a whole number up to ${max}`);
/**
 * `-o`: printed formats and an inline JSONPath template. Not the `*-file` forms
 * (`go-template-file=`, `jsonpath-file=`, `custom-columns-file=`), which read a local file.
 */
const outputFormat = (...formats: string[]): ValueCheck =>
  Object.assign(
    (value: string) => {
      if (formats.includes(value)) return undefined;
      if (formats.includes('jsonpath=') && value.startsWith('jsonpath=') && value.length > 9 && value.length <= 512 && printable.test(value)) return undefined;
      return `the formats are ${formats.map((format) => (format === 'jsonpath=' ? 'jsonpath=TEMPLATE' : format)).join(', ')}`;
    },
    { choices: formats },
  );

const globalKubeFlags: KubeFlag[] = [
  { long: '--namespace', short: 'n', value: { name: 'NAMESPACE', check: oneOf(...namespaces) } },
  { long: '--request-timeout', value: { name: 'DURATION', check: matching(/^(?:\d{1,4}|(?:\d{1,6}(?:ms|s|m|h))+)$/, 'a duration such as 30s') } },
  { long: '--help', short: 'h' },
];

const selectorFlag: KubeFlag = { long: '--selector', short: 'l', value: { name: 'SELECTOR', check: labelSelector } };
const allNamespacesFlag: KubeFlag = { long: '--all-namespaces', short: 'A' };
const noHeadersFlag: KubeFlag = { long: '--no-headers' };

/** `TYPE[,TYPE…] [NAME…]` or `TYPE/NAME…`, with the types a verb accepts. */
function resources(types: readonly string[], options: { commaList: boolean; required: boolean }) {
  return (words: string[], flags: ReadonlyMap<string, string | true>): string | undefined => {
    const known = (type: string) => (types.includes(own(kubeTypes, type) ?? '') ? undefined : `the type ${shown(type)}; the types are ${types.join(', ')}`);
    const [first, ...rest] = words;
    if (first === undefined) return options.required && !flags.has('--help') ? `say which objects, for example pods` : undefined;
    if (first.includes('/')) {
      for (const word of words) {
        const [type, name, extra] = word.split('/');
        if (extra !== undefined || !kubeName.test(name ?? '')) return `${shown(word)} is not TYPE/NAME`;
        const why = known(type!);
        if (why) return why;
      }
      return undefined;
    }
    for (const type of options.commaList ? first.split(',') : [first]) {
      if (type === 'all' && types.includes('all')) continue;
      const why = known(type);
      if (why) return why;
    }
    const badName = rest.find((name) => !kubeName.test(name));
    return badName === undefined ? undefined : `${shown(badName)} is not an object name`;
  };
}

/** rollout's actions and the flags each takes. */
const rolloutFlags: Record<string, string[]> = { history: ['--revision'], status: ['--revision', '--timeout'], undo: ['--to-revision'] };

/** `deployment NAME` or `deployment/NAME`: the one object scale and rollout act on. */
function oneDeployment(words: string[]): string | undefined {
  const [first, second, ...extra] = words;
  if (first === undefined) return 'say which deployment: deployment/NAME';
  const [type, name] = first.includes('/') ? first.split('/', 2) : [first, second];
  if (own(kubeTypes, type ?? '') !== 'deployments') return `${shown(first)}: the type here is deployment`;
  if (name === undefined || !kubeName.test(name) || (first.includes('/') ? second !== undefined : extra.length > 0) || first.split('/').length > 2) return 'give one deployment: deployment/NAME or deployment NAME';
  return undefined;
}

const noPositionals = (words: string[]) => (words.length === 0 ? undefined : `${shown(words[0]!)}: this takes no arguments`);

/**
 * The verbs, each with its flags and the objects it takes. Reads only, plus `scale` and
 * `rollout undo` (the runbook's and a responder's two changes). Not here, so refused: every verb
 * that creates, edits or deletes objects, runs or attaches to anything, reads or writes local
 * files, or changes where kubectl connects (`--kubeconfig`, `--server`, `--token`, `--as`,
 * `--cache-dir`, `-f`), and plugins. `-w/--watch` and `logs -f` are left out: a terminal line
 * answers when it ends. `set resources` comes with a later issue.
 */
const kubeVerbs: Record<string, KubeVerb> = {
  get: {
    usage: 'get TYPE[,TYPE] [NAME] or TYPE/NAME (types pods, deployments, replicasets, namespaces, nodes, events, all) with -l SELECTOR, -A, -o json/yaml/wide/name/jsonpath=…, --show-labels, --sort-by, --field-selector, --no-headers',
    flags: [
      { long: '--output', short: 'o', value: { name: 'FORMAT', check: outputFormat('json', 'yaml', 'wide', 'name', 'jsonpath=') } },
      selectorFlag,
      allNamespacesFlag,
      { long: '--show-labels' },
      { long: '--sort-by', value: { name: 'JSONPATH', check: matching(/^[\x20-\x7e]{1,256}$/, 'a JSONPath such as .metadata.name') } },
      { long: '--field-selector', value: { name: 'SELECTOR', check: fieldSelector } },
      noHeadersFlag,
    ],
    positionals: resources(['pods', 'deployments', 'replicasets', 'namespaces', 'nodes', 'events', 'all'], { commaList: true, required: true }),
  },
  describe: {
    usage: 'describe TYPE [NAME] or TYPE/NAME (pods, deployments, replicasets, namespaces, nodes) with -l SELECTOR, -A',
    flags: [selectorFlag, allNamespacesFlag],
    positionals: resources(['pods', 'deployments', 'replicasets', 'namespaces', 'nodes'], { commaList: false, required: true }),
  },
  logs: {
    usage: 'logs POD [CONTAINER] or deployment/NAME, or -l SELECTOR, with -c CONTAINER, --tail N, --since DURATION, -p/--previous, --timestamps, --all-containers',
    flags: [
      { long: '--container', short: 'c', value: { name: 'CONTAINER', check: matching(kubeName, 'a container name') } },
      { long: '--tail', value: { name: 'LINES', check: (value) => (value === '-1' ? undefined : count(100_000)(value)) } },
      { long: '--since', value: { name: 'DURATION', check: kubeDuration } },
      { long: '--previous', short: 'p' },
      { long: '--timestamps' },
      { long: '--all-containers' },
      selectorFlag,
    ],
    positionals: (words, flags) => {
      const [first, container, ...extra] = words;
      if (first === undefined) return flags.has('--selector') || flags.has('--help') ? undefined : 'say which pod: kubectl logs POD, or -l SELECTOR';
      if (extra.length > 0) return `${shown(extra[0]!)}: logs takes a pod and at most a container`;
      if (container !== undefined && !kubeName.test(container)) return `${shown(container)} is not a container name`;
      const [type, name, more] = first.includes('/') ? first.split('/') : ['pods', first];
      if (more !== undefined || !kubeName.test(name ?? '') || !['pods', 'deployments'].includes(own(kubeTypes, type!) ?? '')) return `${shown(first)}: give a pod name, pod/NAME or deployment/NAME`;
      return undefined;
    },
  },
  scale: {
    usage: 'scale deployment NAME --replicas=N',
    flags: [
      { long: '--replicas', value: { name: 'N', check: count(9999) } },
      { long: '--current-replicas', value: { name: 'N', check: count(9999) } },
    ],
    positionals: (words, flags) => oneDeployment(words) ?? (flags.has('--replicas') || flags.has('--help') ? undefined : 'say how many: --replicas=N'),
  },
  rollout: {
    usage: 'rollout history|status|undo deployment/NAME, with --revision N (history), --to-revision N (undo), --timeout DURATION (status)',
    flags: [
      { long: '--revision', value: { name: 'N', check: count(999_999) } },
      { long: '--to-revision', value: { name: 'N', check: count(999_999) } },
      { long: '--timeout', value: { name: 'DURATION', check: kubeDuration } },
    ],
    positionals: (words, flags) => {
      const [action, ...rest] = words;
      const uses = rolloutFlags;
      const allowed = action === undefined ? undefined : own(uses, action);
      if (action === undefined || allowed === undefined) return `the rollout actions are ${Object.keys(uses).join(', ')}`;
      const misplaced = ['--revision', '--to-revision', '--timeout'].find((flag) => flags.has(flag) && !allowed.includes(flag));
      if (misplaced) return `rollout ${action} takes ${allowed.join(', ')}, not ${misplaced}`;
      return oneDeployment(rest);
    },
  },
  top: {
    usage: 'top pods|nodes [NAME] with --containers, --sort-by cpu/memory, -l SELECTOR, -A, --no-headers',
    flags: [{ long: '--containers' }, { long: '--sort-by', value: { name: 'cpu|memory', check: oneOf('cpu', 'memory') } }, selectorFlag, allNamespacesFlag, noHeadersFlag],
    positionals: (words) => {
      const [what, name, ...extra] = words;
      if (what === undefined || !['pods', 'nodes'].includes(own(kubeTypes, what) ?? '')) return 'top shows pods or nodes';
      if (extra.length > 0 || (name !== undefined && !kubeName.test(name))) return `top ${what} takes at most one name`;
      return undefined;
    },
  },
  events: {
    usage: 'events with --for TYPE/NAME, --types Normal,Warning, -A, -o json/yaml',
    flags: [
      { long: '--for', value: { name: 'TYPE/NAME', check: (value) => (value.includes('/') ? resources(['pods', 'deployments', 'replicasets', 'nodes'], { commaList: false, required: true })([value], new Map()) : 'it is TYPE/NAME, such as deployment/proof-worker') } },
      { long: '--types', value: { name: 'Normal,Warning', check: matching(/^(?:Normal|Warning)(?:,(?:Normal|Warning))?$/, 'Normal, Warning or Normal,Warning') } },
      allNamespacesFlag,
      { long: '--output', short: 'o', value: { name: 'FORMAT', check: outputFormat('json', 'yaml') } },
    ],
    positionals: noPositionals,
  },
  version: {
    usage: 'version [--client] [-o json/yaml]',
    flags: [{ long: '--client' }, { long: '--output', short: 'o', value: { name: 'FORMAT', check: outputFormat('json', 'yaml') } }],
    positionals: noPositionals,
  },
  'api-resources': {
    usage: 'api-resources [-o wide/name] [--no-headers]',
    flags: [{ long: '--output', short: 'o', value: { name: 'FORMAT', check: outputFormat('wide', 'name') } }, noHeadersFlag],
    positionals: noPositionals,
  },
  'api-versions': { usage: 'api-versions', flags: [], positionals: noPositionals },
};

/** Every kubectl flag by its long and short name, for reading a line before its verb is known. */
const allKubeFlags = [...globalKubeFlags, ...Object.values(kubeVerbs).flatMap((verb) => verb.flags)];
const kubeByLong = new Map(allKubeFlags.map((flag) => [flag.long, flag]));
const kubeByShort = new Map(allKubeFlags.filter((flag) => flag.short !== undefined).map((flag) => [flag.short!, flag]));

const kubeVerbsSummary = () => `The verbs: ${Object.keys(kubeVerbs).join(', ')}; anywhere: -n NAMESPACE (${namespaces.join(', ')}), --request-timeout, -h`;

function kubeVerbSummary(verb: string): string {
  const entry = own(kubeVerbs, verb)!;
  return `kubectl ${entry.usage}; anywhere: -n NAMESPACE (${namespaces.join(', ')}), --request-timeout, -h`;
}

/**
 * Checks a kubectl command line and returns the argv to run: the verb first (and rollout's
 * action, top's object), then the objects, then every flag as `--name=value` or `--name`. Flags
 * are read wherever they stand, as kubectl reads them (`-n production`, `-nproduction`,
 * `-n=production`, `--namespace=production`, short clusters such as `-Ao wide`); written back
 * with their values attached, no value can be read as the verb. The caller adds `--kubeconfig`
 * and `--cache-dir` when it spawns kubectl.
 */
export function checkKubectl(args: readonly string[]): string[] {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  const order: string[] = [];
  // A verb already read that is not one of ours is the better reason than a flag after it.
  const refuseFlag = (why: string) => {
    const verb = positionals[0];
    if (verb !== undefined && own(kubeVerbs, verb) === undefined) return new CommandNotAllowedError('kubectl', `the verb ${shown(verb)}`, kubeVerbsSummary());
    return new CommandNotAllowedError('kubectl', why, verb === undefined ? kubeVerbsSummary() : kubeVerbSummary(verb));
  };
  const set = (flag: KubeFlag, value: string | true, typed: string) => {
    if (flag.value) {
      if (value === true) throw refuseFlag(`${typed} needs a value: ${typed} ${flag.value.name}`);
    } else if (value !== true) throw refuseFlag(`${typed} takes no value`);
    if (flags.has(flag.long)) throw refuseFlag(`${flag.long} is given twice`);
    flags.set(flag.long, value);
    order.push(flag.long);
  };
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word.startsWith('--') && word.length > 2) {
      const equals = word.indexOf('=');
      const name = equals < 0 ? word : word.slice(0, equals);
      const flag = kubeByLong.get(name);
      if (flag === undefined) throw refuseFlag(`the flag ${shown(name)}`);
      if (equals >= 0) set(flag, word.slice(equals + 1), name);
      else if (flag.value) {
        const value = args[++i];
        set(flag, value ?? true, name);
      } else set(flag, true, name);
    } else if (word === '--') {
      throw refuseFlag('-- is not needed: kubectl reads flags anywhere on the line');
    } else if (word.startsWith('-') && word.length > 1) {
      // Short flags as pflag reads them: each letter a flag; the first that takes a value takes
      // the rest of the word (without a leading =), or the next word.
      for (let j = 1; j < word.length; j++) {
        const letter = word[j]!;
        const flag = kubeByShort.get(letter);
        if (flag === undefined) throw refuseFlag(`the flag ${shown(`-${letter}`)}${word.length > 2 ? ` (in ${shown(word)})` : ''}`);
        if (flag.value) {
          const rest = word.slice(j + 1).replace(/^=/, '');
          const value = rest !== '' ? rest : args[++i];
          set(flag, value ?? true, `-${letter}`);
          break;
        }
        set(flag, true, `-${letter}`);
      }
    } else {
      if (!printable.test(word)) throw new CommandNotAllowedError('kubectl', `${shown(word)} is not plain ASCII`, kubeVerbsSummary());
      positionals.push(word);
    }
  }
  const [verb, ...objects] = positionals;
  if (verb === undefined && flags.size === 1 && flags.has('--help')) return ['--help'];
  if (verb === undefined) throw new CommandNotAllowedError('kubectl', 'no verb given', `${kubeVerbsSummary()}; for example: kubectl get pods -n production`);
  const entry = own(kubeVerbs, verb);
  if (entry === undefined) throw new CommandNotAllowedError('kubectl', `the verb ${shown(verb)}`, kubeVerbsSummary());
  const allowedFlags = new Map([...globalKubeFlags, ...entry.flags].map((flag) => [flag.long, flag]));
  for (const [name, value] of flags) {
    const flag = allowedFlags.get(name);
    if (flag === undefined) throw new CommandNotAllowedError('kubectl', `kubectl ${verb} with ${name}`, kubeVerbSummary(verb));
    const why = value === true ? undefined : flag.value!.check(value);
    if (why !== undefined) throw new CommandNotAllowedError('kubectl', `the value ${shown(value as string)} of ${name}: ${why}`, kubeVerbSummary(verb));
  }
  const why = entry.positionals(objects, flags);
  if (why !== undefined) throw new CommandNotAllowedError('kubectl', why, kubeVerbSummary(verb));
  return [verb, ...objects, ...order.map((name) => (flags.get(name) === true ? name : `${name}=${flags.get(name) as string}`))];
}

// ---- agenc --------------------------------------------------------------------------------

interface AgencOption {
  long: string;
  short?: string;
  value?: { name: string; check: ValueCheck };
}

const duration: ValueCheck = (value) => {
  try {
    parseDuration(value);
    return undefined;
  } catch {
    return 'it is a duration such as 30s, 10m, 1h30m or 24h';
  }
};
const component: AgencOption = { long: '--component', value: { name: 'speculation', check: oneOf('speculation') } };
const agencVerbose: AgencOption = { long: '--verbose', short: 'v' };

/**
 * agenc's commands and their options, as agenc-cli.ts defines them. Left out: `--url` and
 * `--token`, which say where and as whom agenc talks; the drill sets both.
 */
const agencCommands: Record<string, AgencOption[]> = {
  'admin status': [component, agencVerbose],
  'admin gc': [component, { long: '--force' }],
  'admin check-integrity': [component, { long: '--full' }],
  'speculation stuck': [{ long: '--threshold', value: { name: 'DURATION', check: duration } }],
  'speculation rollbacks': [{ long: '--since', value: { name: 'DURATION', check: duration } }, agencVerbose],
  'speculation snapshots clear': [{ long: '--older-than', value: { name: 'DURATION', check: duration } }, { long: '--confirm' }],
  'proof-worker status': [],
  'proof-worker timeout': [{ long: '--older-than', value: { name: 'DURATION', check: duration } }],
  'stake status': [],
  'stake slashing-history': [{ long: '--since', value: { name: 'DURATION', check: duration } }],
  'config history': [{ long: '--since', value: { name: 'DURATION', check: duration } }],
  messages: [
    { long: '--channel', value: { name: messageChannels.join('|'), check: oneOf(...messageChannels) } },
    { long: '--since', value: { name: 'DURATION', check: duration } },
  ],
  dependencies: [],
};

/** Options agenc reads anywhere on the line. */
const agencProgramOptions: AgencOption[] = [
  { long: '--output', short: 'o', value: { name: 'human|json', check: oneOf('human', 'json') } },
  { long: '--help', short: 'h' },
  { long: '--version', short: 'V' },
];

const agencGroups = [...new Set(Object.keys(agencCommands).map((path) => path.split(' ')[0]!))];

function agencCommandSummary(path: string): string {
  const options = own(agencCommands, path)!.map((option) => `${option.short ? `-${option.short}/` : ''}${option.long}${option.value ? ` ${option.value.name}` : ''}`);
  return `agenc ${path}${options.length > 0 ? ` takes ${options.join(', ')}` : ' takes no options'}; anywhere: -o human|json, -h`;
}

const agencSummary = () => `The commands: ${Object.keys(agencCommands).join(', ')}, help [GROUP]; anywhere: -o human|json, -h, -V`;

/**
 * Checks an agenc command line and returns the argv to run: the words as typed, but each value
 * its own word (`--since=10m` becomes `--since 10m`, `-ojson` becomes `-o json`), so agenc's own
 * log of the command (X-Agenc-Command) reads as the runbook writes it. As commander reads it,
 * the program's options (-o, -h, -V) stand anywhere and a command's options after the command.
 */
export function checkAgenc(args: readonly string[]): string[] {
  const argv: string[] = [];
  const path: string[] = [];
  let command: string | undefined;
  const refuse = (why: string) => new CommandNotAllowedError('agenc', why, command ? agencCommandSummary(command) : agencSummary());
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word.startsWith('-') && word.length > 1) {
      const long = word.startsWith('--');
      const equals = long ? word.indexOf('=') : -1;
      const name = long ? (equals < 0 ? word : word.slice(0, equals)) : word.slice(0, 2);
      const options = [...agencProgramOptions, ...(command ? own(agencCommands, command)! : [])];
      const option = options.find((candidate) => (long ? candidate.long === name : `-${candidate.short}` === name));
      if (option === undefined) {
        const ownerOf = Object.entries(agencCommands).find(([, own]) => own.some((candidate) => candidate.long === name || `-${candidate.short}` === name));
        throw refuse(ownerOf && !command ? `${name} comes after the command (agenc ${ownerOf[0]} ${name})` : `the option ${shown(word)}`);
      }
      if (!option.value) {
        if (equals >= 0 || (!long && word.length > 2)) throw refuse(`${name} takes no value; write each option on its own`);
        argv.push(word);
        continue;
      }
      const value = long ? (equals >= 0 ? word.slice(equals + 1) : args[++i]) : word.length > 2 ? word.slice(2) : args[++i];
      if (value === undefined) throw refuse(`${name} needs a value: ${name} ${option.value.name}`);
      const why = option.value.check(value);
      if (why !== undefined) throw refuse(`the value ${shown(value)} of ${name}: ${why}`);
      argv.push(name, value);
      continue;
    }
    if (command !== undefined) throw refuse(`${shown(word)}: agenc ${command} takes no arguments`);
    if (path[0] === 'help') {
      if (path.length > 1 || !agencGroups.includes(word)) throw refuse(`help is for one of ${agencGroups.join(', ')}`);
    } else {
      const next = [...path, word].join(' ');
      if (!Object.keys(agencCommands).some((known) => known === next || known.startsWith(`${next} `)) && !(path.length === 0 && word === 'help')) {
        throw refuse(path.length === 0 ? `the command ${shown(word)}` : `agenc ${path.join(' ')} ${shown(word)}`);
      }
      if (own(agencCommands, next) !== undefined) command = next;
    }
    path.push(word);
    argv.push(word);
  }
  const helpAsked = argv.includes('--help') || argv.includes('-h') || argv.includes('--version') || argv.includes('-V') || path[0] === 'help';
  if (command === undefined && !helpAsked) {
    const group = path.join(' ');
    const under = Object.keys(agencCommands).filter((known) => group === '' || known.startsWith(`${group} `));
    throw new CommandNotAllowedError('agenc', group === '' ? 'no command given' : `agenc ${group} needs one more word`, `The commands: ${under.join(', ')}`);
  }
  return argv;
}

// ---- the runbook's health script ------------------------------------------------------------

/** The runbook's `./scripts/speculation-health.sh` reads no arguments; it is run as the runbook writes it. */
export function checkHealthScript(args: readonly string[]): string[] {
  if (args.length > 0) throw new CommandNotAllowedError('./scripts/speculation-health.sh', `${shown(args[0]!)}: it takes no arguments`, 'Run it as the runbook does: ./scripts/speculation-health.sh');
  return [];
}

// ---- the text filters and builtins done in the server ---------------------------------------

/** The option letters each filter and builtin understands (grep's as GNU grep means them). */
const filterLetters = { grep: 'EivcFnwo', wc: 'l', sort: 'nr', cat: '', ls: 'a' } as const;

/** A filter or builtin whose options are single letters. */
export type LetterOptionProgram = keyof typeof filterLetters;

/**
 * Splits a filter's words into its option letters and the rest (pattern, file), refusing any
 * option it does not understand: an unknown option would otherwise be read as a pattern or a
 * file name. A word starting with `-` is an option, as the real tools read it; `ls` lists the
 * drill folder and takes no other words.
 */
export function checkLetterOptions(program: LetterOptionProgram, args: readonly string[]): { letters: string; words: string[] } {
  const known: string = filterLetters[program];
  const allowed = known === '' ? `${program} takes no options` : `The options: ${[...known].map((letter) => `-${letter}`).join(', ')}`;
  let letters = '';
  const words: string[] = [];
  for (const word of args) {
    if (word.startsWith('-') && word.length > 1) {
      const unknown = [...word.slice(1)].find((letter) => !known.includes(letter));
      if (unknown !== undefined) throw new CommandNotAllowedError(program, `the option ${shown(word.startsWith('--') ? word : `-${unknown}`)}`, allowed);
      letters += word.slice(1);
    } else words.push(word);
  }
  if (program === 'ls' && words.length > 0) throw new CommandNotAllowedError('ls', `${shown(words[0]!)}: ls lists the drill folder`, `${allowed}; ls alone lists the drill folder`);
  return { letters, words };
}

// ---- what is allowed, for help and the README ----------------------------------------------

/** What one program may do in the terminal, in a line: for `help` and the README's table. */
export interface TerminalAllowance {
  program: string;
  allows: string;
}

/** What the terminal allows, per program: one declaration for `help` and the README. */
export const terminalAllowances: readonly TerminalAllowance[] = [
  {
    program: 'curl',
    allows:
      'http://localhost:9090/… (or 127.0.0.1, or the drill\'s own port), up to 8 URLs; -X GET/POST/PUT/PATCH/DELETE/HEAD, -H \'Name: value\', -d/--data/--data-raw/--data-binary/--json TEXT, -s -S -i -I -v -f --fail-with-body -G -g --compressed -N, -m/--max-time and --connect-timeout SECONDS, -w \'%{variable}\', -o /dev/null, -A TEXT',
  },
  {
    program: 'kubectl',
    allows: `${Object.keys(kubeVerbs).join(', ')}; -n ${namespaces.join('/')}, -l SELECTOR, -o json/yaml/wide/name/jsonpath=…, scale --replicas=N, logs --tail/--since/-p/-c, rollout history/status/undo, top --containers/--sort-by`,
  },
  { program: 'agenc', allows: `${Object.keys(agencCommands).join(', ')}, with their own options; -o human/json, -h` },
  { program: './scripts/speculation-health.sh', allows: 'as written, no arguments' },
  { program: 'grep, head, tail, wc, sort, cat', allows: 'grep -E -i -v -c -F -n -w -o PATTERN, head/tail -n N, wc -l, sort -n -r, on a pipe or a file in your folder' },
  { program: 'echo, date, ls, pwd, help', allows: 'echo [-n], date [+FORMAT], ls [-a]; > file and >> file into your folder' },
];

// ---- what Tab completes, read from the same tables -------------------------------------------

/** An option as completion offers it: its names, whether a value follows, and the values it allows when they are few. */
export interface OptionWords {
  long: string;
  short?: string;
  takesValue: boolean;
  choices?: readonly string[];
}

/** Everything the terminal's Tab completion knows of the tools, from the tables that check their lines. */
export interface AllowlistVocabulary {
  curl: OptionWords[];
  kubectl: { global: OptionWords[]; verbs: Record<string, OptionWords[]>; types: string[]; rolloutActions: string[] };
  agenc: { program: OptionWords[]; commands: Record<string, OptionWords[]> };
  filters: Record<LetterOptionProgram, string>;
}

const optionWords = (option: { long: string; short?: string; value?: { check: ValueCheck } }): OptionWords => ({
  long: option.long,
  ...(option.short ? { short: option.short } : {}),
  takesValue: option.value !== undefined,
  ...(option.value?.check.choices ? { choices: option.value.check.choices } : {}),
});

export const allowlistVocabulary: AllowlistVocabulary = {
  curl: curlOptions.map(optionWords),
  kubectl: {
    global: globalKubeFlags.map(optionWords),
    verbs: Object.fromEntries(Object.entries(kubeVerbs).map(([verb, entry]) => [verb, entry.flags.map(optionWords)])),
    types: [...new Set(Object.values(kubeTypes))],
    rolloutActions: Object.keys(rolloutFlags),
  },
  agenc: { program: agencProgramOptions.map(optionWords), commands: Object.fromEntries(Object.entries(agencCommands).map(([path, options]) => [path, options.map(optionWords)])) },
  filters: { ...filterLetters },
};
