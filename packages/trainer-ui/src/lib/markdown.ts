/**
 * The UI's one Markdown renderer: the runbook panel's sections and the post-mortem preview. The
 * text comes from files people edit (a team's runbook) or from a drill's record, so it is
 * untrusted: raw HTML in it is shown as text, and what marked renders goes through DOMPurify.
 */
import DOMPurify from 'dompurify';
import { Marked, type Token, type Tokens } from 'marked';

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** marked with raw HTML shown as text: a `<script>` in the Markdown is words on the page, never markup. */
export const markdown = new Marked({
  gfm: true,
  renderer: {
    html: ({ text }: Tokens.HTML | Tokens.Tag) => escapeHtml(text),
  },
});

export type MarkdownLinks = ReturnType<Marked['lexer']>['links'];

/** Tokens (with the document's link definitions) as sanitized HTML. */
export function sanitizedHtml(tokens: Token[], links: MarkdownLinks): string {
  const html = markdown.parser(Object.assign(tokens, { links }));
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form', 'input', 'button', 'iframe'], FORBID_ATTR: ['style'] });
}

/** A whole Markdown document as sanitized HTML. */
export function renderMarkdown(text: string): string {
  const tokens = markdown.lexer(text);
  return sanitizedHtml(tokens, tokens.links);
}
