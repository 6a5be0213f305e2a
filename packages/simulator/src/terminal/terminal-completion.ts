/**
 * Tab completion for the in-browser terminal: given the line and the cursor, the words that
 * could stand where the cursor's word is. It knows what the allowlists allow (programs, kubectl
 * verbs and flags, agenc commands and options, curl options, the values an option takes when
 * they are few) and the names in the drill's cluster (namespaces, deployments, pods, nodes).
 * Pure: the caller gives the cluster's names. It never offers what the terminal would refuse.
 */
import { allowlistVocabulary, type OptionWords } from './command-allowlist';
import { healthScript, terminalPrograms } from './terminal-runner';

/** The names in the drill's cluster that a line may name, by namespace. */
export interface ClusterNames {
  namespaces: readonly string[];
  deployments: Readonly<Record<string, readonly string[]>>;
  pods: Readonly<Record<string, readonly string[]>>;
  nodes: readonly string[];
}

export interface Completion {
  /** Where the word being completed starts in the line; candidates replace line[from, cursor). */
  from: number;
  /** Whole words, sorted; one ending in `=` or `/` expects more after it. */
  candidates: string[];
}

/** At most this many candidates go back: enough for every pod of the drill, few enough to list. */
export const maxCandidates = 100;
const filters = ['grep', 'head', 'tail', 'wc', 'sort', 'cat'];
const runbookUrls = ['http://localhost:9090/metrics', 'http://localhost:9090/admin/config', 'http://localhost:9090/admin/speculation/drain', 'http://localhost:9090/healthz'];

/** The words before the cursor in the current pipe stage, as a shell splits them; undefined inside quotes (nothing to complete there). */
function stageWords(before: string): string[] | undefined {
  const words: string[] = [];
  let word = '';
  let quote: string | null = null;
  let started = false;
  for (const char of before) {
    if (quote) {
      if (char === quote) quote = null;
      else word += char;
      continue;
    }
    if (char === "'" || char === '"') {
      quote = char;
      started = true;
    } else if (char === '|') {
      words.length = 0;
      word = '';
      started = false;
    } else if (/\s/.test(char)) {
      if (started) words.push(word);
      word = '';
      started = false;
    } else {
      word += char;
      started = true;
    }
  }
  if (quote) return undefined;
  words.push(word);
  return words;
}

const flagNames = (options: readonly OptionWords[], word: string) =>
  options.flatMap((option) => {
    if (word.startsWith('--') || !option.short) return [option.takesValue ? `${option.long}=` : option.long];
    return [`-${option.short}`, option.takesValue ? `${option.long}=` : option.long];
  });

/** The option a word names, when it is one that takes its value from the next word. */
function valueOption(options: readonly OptionWords[], word: string | undefined): OptionWords | undefined {
  if (word === undefined || !word.startsWith('-') || word.includes('=')) return undefined;
  const option = word.startsWith('--') ? options.find((candidate) => candidate.long === word) : options.find((candidate) => candidate.short !== undefined && `-${candidate.short}` === word.slice(-2) && word.length >= 2);
  return option?.takesValue ? option : undefined;
}

function kubectlWords(args: string[], word: string, names: ClusterNames): string[] {
  const { global, verbs, types, rolloutActions } = allowlistVocabulary.kubectl;
  const positionals: string[] = [];
  let namespace = 'production';
  const everyFlag = [...global, ...Object.values(verbs).flat()];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    const attached = /^(?:--namespace=|-n=?)([a-z0-9-]+)$/.exec(arg);
    if (attached) namespace = attached[1]!;
    else if (valueOption(everyFlag, arg)) {
      const value = args[++i];
      if ((arg === '-n' || arg === '--namespace') && value !== undefined) namespace = value;
    }
  }
  const verb = positionals[0];
  const flags = [...global, ...(verb && Object.hasOwn(verbs, verb) ? verbs[verb]! : [])];
  const previous = args[args.length - 1];
  const valueOf = valueOption(flags, previous);
  if (valueOf) return valueOf.long === '--namespace' ? [...names.namespaces] : [...(valueOf.choices ?? [])];
  const attached = /^(--[a-z-]+)=(.*)$/.exec(word);
  if (attached) {
    const option = flags.find((candidate) => candidate.long === attached[1]);
    const values = option?.long === '--namespace' ? names.namespaces : (option?.choices ?? []);
    return values.map((value) => `${attached[1]}=${value}`);
  }
  if (word.startsWith('-')) return flagNames(flags, word);
  const inNamespace = (kind: 'deployments' | 'pods') => [...(names[kind][namespace] ?? [])];
  const namesOf = (type: string): string[] => {
    const canonical = type === 'deploy' || type === 'deployment' ? 'deployments' : type === 'po' || type === 'pod' ? 'pods' : type === 'no' || type === 'node' ? 'nodes' : type === 'ns' || type === 'namespace' ? 'namespaces' : type;
    if (canonical === 'deployments' || canonical === 'pods') return inNamespace(canonical);
    if (canonical === 'nodes') return [...names.nodes];
    if (canonical === 'namespaces') return [...names.namespaces];
    return [];
  };
  const slash = word.indexOf('/');
  if (verb === undefined) return Object.keys(verbs);
  if (slash > 0) return namesOf(word.slice(0, slash)).map((name) => `${word.slice(0, slash)}/${name}`);
  const objects = positionals.slice(1);
  switch (verb) {
    case 'get':
    case 'describe':
      return objects.length === 0 ? (verb === 'get' ? [...types, 'all'] : types.filter((type) => type !== 'events')) : namesOf(objects[0]!);
    case 'top':
      return objects.length === 0 ? ['pods', 'nodes'] : namesOf(objects[0]!);
    case 'logs':
      return objects.length === 0 ? [...inNamespace('pods'), 'deployment/'] : [];
    case 'scale':
      return objects.length === 0 ? ['deployment', 'deployment/'] : objects.length === 1 && !objects[0]!.includes('/') ? inNamespace('deployments') : [];
    case 'rollout':
      if (objects.length === 0) return rolloutActions;
      return objects.length === 1 ? ['deployment/'] : [];
    default:
      return [];
  }
}

function agencWords(args: string[], word: string): string[] {
  const { program, commands } = allowlistVocabulary.agenc;
  const path: string[] = [];
  let command: string | undefined;
  const optionsOf = () => [...program, ...(command ? commands[command]! : [])];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('-')) {
      if (valueOption(optionsOf(), arg)) i++;
      continue;
    }
    path.push(arg);
    if (Object.hasOwn(commands, path.join(' '))) command = path.join(' ');
  }
  const taking = valueOption(optionsOf(), args[args.length - 1]);
  if (taking) return [...(taking.choices ?? [])];
  if (word.startsWith('-')) return optionsOf().map((option) => option.long);
  if (command) return [];
  const prefix = path.length === 0 ? '' : `${path.join(' ')} `;
  const next = Object.keys(commands)
    .filter((known) => known.startsWith(prefix))
    .map((known) => known.slice(prefix.length).split(' ')[0]!);
  return path.length === 0 ? [...next, 'help'] : next;
}

/** What could stand at the cursor: the candidates for the word it is in, and where that word starts. */
export function completeTerminalLine(line: string, cursor: number, names: ClusterNames): Completion {
  const before = line.slice(0, Math.max(0, Math.min(cursor, line.length)));
  const words = stageWords(before);
  if (words === undefined) return { from: before.length, candidates: [] };
  const word = words[words.length - 1]!;
  const from = before.length - word.length;
  const [program, ...args] = words.slice(0, -1);
  const afterPipe = /\|[^|]*$/.test(before);
  let all: string[];
  if (program === undefined) all = afterPipe ? filters : [...terminalPrograms, healthScript];
  else if (program === 'kubectl') all = kubectlWords(args, word, names);
  else if (program === 'agenc') all = agencWords(args, word);
  else if (program === 'curl') all = word.startsWith('-') ? flagNames(allowlistVocabulary.curl, word).map((flag) => flag.replace(/=$/, '')) : runbookUrls;
  else all = [];
  const candidates = [...new Set(all)].filter((candidate) => candidate.startsWith(word) && candidate !== '').sort();
  return { from, candidates: candidates.slice(0, maxCandidates) };
}
