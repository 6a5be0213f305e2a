/**
 * The team's runbook as the runbook panel shows it: Markdown split into sections at its `##`
 * and `###` headings, each rendered to sanitized HTML except its shell blocks, which become
 * commands a click types into the terminal. The runbook is a file a team edits, so its HTML is
 * untrusted: raw HTML in it is shown as text, and what marked renders goes through DOMPurify.
 */
import type { Token, Tokens } from 'marked';
import { markdown, sanitizedHtml, type MarkdownLinks } from '../../lib/markdown';

/** A run of the section's content: Markdown rendered to HTML, or a code block. */
export type RunbookPart = { kind: 'html'; html: string } | { kind: 'code'; lang: string; pieces: CodePiece[] };

/** A line or lines of a code block: a comment or blank line as it is, or one command (continuation lines included). */
export type CodePiece = { kind: 'text'; text: string } | { kind: 'command'; text: string; command: string };

export interface RunbookSection {
  /** The heading as a URL fragment, as GitHub makes it (the runbook's own table of contents links to these). */
  id: string;
  title: string;
  /** 1 for the document's start (its title and contents), 2 or 3 for a heading. */
  level: number;
  parts: RunbookPart[];
}

/** A heading's fragment as GitHub makes it: lower case, punctuation dropped, spaces to hyphens. */
export function headingId(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}

const shellLanguages = new Set(['bash', 'sh', 'shell', 'console', 'zsh']);

/**
 * A shell block as its commands: comment and blank lines kept as text; a command with its
 * backslash-continued lines is one command, joined into one line for the prompt.
 */
export function codePieces(code: string): CodePiece[] {
  const pieces: CodePiece[] = [];
  const lines = code.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.trim().startsWith('#')) {
      pieces.push({ kind: 'text', text: line });
      continue;
    }
    const group = [line];
    while (/\\\s*$/.test(group[group.length - 1]!) && i + 1 < lines.length) group.push(lines[++i]!);
    const command = group
      .map((part) => part.replace(/\\\s*$/, '').trim())
      .join(' ')
      .trim();
    pieces.push({ kind: 'command', text: group.join('\n'), command });
  }
  return pieces;
}

/** The runbook's sections, in the document's order. */
export function parseRunbook(text: string): RunbookSection[] {
  const tokens = markdown.lexer(text);
  const links: MarkdownLinks = tokens.links;
  const sections: RunbookSection[] = [];
  let current: RunbookSection = { id: 'top', title: '', level: 1, parts: [] };
  let pending: Token[] = [];
  const flush = () => {
    if (pending.length > 0) current.parts.push({ kind: 'html', html: sanitizedHtml(pending, links) });
    pending = [];
  };
  for (const token of tokens) {
    const heading = token.type === 'heading' ? (token as Tokens.Heading) : undefined;
    const code = token.type === 'code' ? (token as Tokens.Code) : undefined;
    if (heading && (heading.depth === 2 || heading.depth === 3)) {
      flush();
      sections.push(current);
      current = { id: headingId(heading.text), title: heading.text.replace(/[*_`]/g, ''), level: heading.depth, parts: [] };
    } else if (heading && heading.depth === 1 && current.title === '') {
      current.title = heading.text;
    } else if (code && shellLanguages.has((code.lang ?? '').toLowerCase())) {
      flush();
      current.parts.push({ kind: 'code', lang: code.lang ?? '', pieces: codePieces(code.text) });
    } else pending.push(token);
  }
  flush();
  sections.push(current);
  return sections.filter((section) => section.level === 1 || section.title !== '');
}

const words = (text: string) => new Set(text.toLowerCase().split(/[^\p{L}\p{N}-]+/u).filter((word) => word.length > 1 || /\d/.test(word)));

/**
 * The sections a paged alert's runbook section names: the heading itself, or the headings the
 * name is made of ("Severity matrix: P3, single pod issues (P3 response procedure)" opens
 * "Severity Matrix" and "P3 - Medium Severity Response"). A heading counts when at least three
 * quarters of its words are in the name.
 */
export function sectionsFor(runbookSection: string | null, sections: readonly RunbookSection[]): string[] {
  if (!runbookSection) return [];
  const named = words(runbookSection);
  const exact = sections.find((section) => section.title.toLowerCase() === runbookSection.toLowerCase());
  if (exact) return [exact.id];
  return sections
    .filter((section) => section.level > 1)
    .filter((section) => {
      const own = [...words(section.title)];
      return own.length > 0 && own.filter((word) => named.has(word)).length / own.length >= 0.75;
    })
    .map((section) => section.id);
}
