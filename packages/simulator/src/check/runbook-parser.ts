/**
 * Reads a runbook with a real Markdown parser (mdast): its sections by heading, the fenced
 * bash blocks in each, the commands in each block (continuation lines joined, comments
 * dropped), each incident section's INC id and trigger line, and an optional YAML front matter
 * that overrides which scenario a section runs against.
 */
import type { Root, RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter';
import { toString } from 'mdast-util-to-string';
import { frontmatter } from 'micromark-extension-frontmatter';
import { parse as parseYaml } from 'yaml';

export interface RunbookCommand {
  /** The command as written (continuation lines kept), runnable by bash. */
  text: string;
  /** 1-based line in the runbook where it starts. */
  line: number;
}

export interface RunbookBlock {
  line: number;
  commands: RunbookCommand[];
  /**
   * `recovery` for a block under the section's `**Recovery:**` label (the runbook's steps that
   * restore service once the cause is fixed), `response` for every other.
   */
  stage: 'response' | 'recovery';
}

export interface RunbookSection {
  heading: string;
  depth: number;
  /** `INC-SPEC-001` for an incident runbook section, else null. */
  incident: string | null;
  /** The section's `**Trigger:**` line, without the label. */
  trigger: string | null;
  blocks: RunbookBlock[];
  /** The last bold label paragraph seen in the section (`Immediate Actions`, `Recovery`…). */
  label?: string;
}

/** `gameday:` in the runbook's front matter. */
export interface RunbookOptions {
  /** Scenario per section, keyed by INC id or by heading text. */
  scenarios: Record<string, string>;
  /** For sections with bash blocks that name no incident. */
  defaultScenario: string;
  seed?: number;
}

export interface ParsedRunbook {
  title: string | null;
  sections: RunbookSection[];
  options: RunbookOptions;
}

export class RunbookParseError extends Error {}

const shellLanguages = new Set(['bash', 'sh', 'shell', 'console', 'zsh']);
const incidentPattern = /\b(INC-[A-Z]+-\d{3})\b/;

/** Splits a bash block into commands: comments and blank lines out, `\` continuations joined. */
export function splitCommands(code: string, firstLine: number): RunbookCommand[] {
  const commands: RunbookCommand[] = [];
  let pending: string[] = [];
  let startLine = 0;
  code.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim();
    if (pending.length === 0 && (trimmed === '' || trimmed.startsWith('#'))) return;
    if (pending.length === 0) startLine = firstLine + index;
    pending.push(raw);
    if (!raw.trimEnd().endsWith('\\')) {
      commands.push({ text: pending.join('\n'), line: startLine });
      pending = [];
    }
  });
  if (pending.length > 0) commands.push({ text: pending.join('\n'), line: startLine });
  return commands;
}

function readOptions(root: Root): RunbookOptions {
  const options: RunbookOptions = { scenarios: {}, defaultScenario: 'baseline' };
  const yamlNode = root.children.find((node) => node.type === 'yaml');
  if (!yamlNode || !('value' in yamlNode)) return options;
  let data: unknown;
  try {
    data = parseYaml(yamlNode.value);
  } catch (error) {
    throw new RunbookParseError(`the front matter is not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  const gameday = (data as { gameday?: unknown } | null)?.gameday;
  if (gameday === undefined) return options;
  if (typeof gameday !== 'object' || gameday === null) throw new RunbookParseError('front matter "gameday" must be a mapping');
  const { scenarios, defaultScenario, seed } = gameday as { scenarios?: unknown; defaultScenario?: unknown; seed?: unknown };
  if (scenarios !== undefined) {
    if (typeof scenarios !== 'object' || scenarios === null || Object.values(scenarios).some((value) => typeof value !== 'string')) {
      throw new RunbookParseError('front matter "gameday.scenarios" must map section ids or headings to scenario ids');
    }
    options.scenarios = scenarios as Record<string, string>;
  }
  if (defaultScenario !== undefined) {
    if (typeof defaultScenario !== 'string') throw new RunbookParseError('front matter "gameday.defaultScenario" must be a scenario id');
    options.defaultScenario = defaultScenario;
  }
  if (seed !== undefined) {
    if (!Number.isInteger(seed)) throw new RunbookParseError('front matter "gameday.seed" must be an integer');
    options.seed = seed as number;
  }
  return options;
}

export function parseRunbook(markdown: string): ParsedRunbook {
  const root = fromMarkdown(markdown, { extensions: [frontmatter(['yaml'])], mdastExtensions: [frontmatterFromMarkdown(['yaml'])] });
  const options = readOptions(root);
  const sections: RunbookSection[] = [];
  let title: string | null = null;
  let current: RunbookSection | undefined;
  // The innermost incident section a deeper heading sits in, so its blocks keep the incident.
  const open: RunbookSection[] = [];

  const visit = (node: RootContent) => {
    // Only headings, paragraphs and code matter; every other node is searched for code inside it.
    // eslint-disable-next-line @typescript-eslint/switch-exhaustiveness-check
    switch (node.type) {
      case 'heading': {
        const heading = node;
        const text = toString(heading).trim();
        if (heading.depth === 1 && title === null) title = text;
        while (open.length > 0 && open[open.length - 1]!.depth >= heading.depth) open.pop();
        const inherited = open.find((section) => section.incident !== null);
        current = { heading: text, depth: heading.depth, incident: incidentPattern.exec(text)?.[1] ?? inherited?.incident ?? null, trigger: null, blocks: [] };
        sections.push(current);
        open.push(current);
        break;
      }
      case 'paragraph': {
        const text = toString(node);
        const trigger = /^Trigger:\s*(.+)$/s.exec(text.trim());
        if (trigger && current) current.trigger = trigger[1]!.trim();
        // A label paragraph (`**Recovery:**`) starts a stage of the section.
        const label = /^([A-Z][A-Za-z /]{2,40}):\s*$/.exec(text.trim());
        if (label && current) current.label = label[1]!;
        break;
      }
      case 'code': {
        const code = node;
        if (!shellLanguages.has((code.lang ?? '').toLowerCase())) break;
        current ??= { heading: '(before the first heading)', depth: 0, incident: null, trigger: null, blocks: [] };
        if (!sections.includes(current)) sections.push(current);
        // The fence is on the node's first line; the code starts on the next.
        const line = (code.position?.start.line ?? 0) + 1;
        current.blocks.push({ line, commands: splitCommands(code.value, line), stage: current.label === 'Recovery' ? 'recovery' : 'response' });
        break;
      }
      default:
        if ('children' in node && Array.isArray(node.children)) for (const child of node.children as RootContent[]) visit(child);
    }
  };
  for (const node of root.children) visit(node);
  return { title, sections, options };
}
