/**
 * The runbook's bash blocks, with the section each sits in, and the commands in each block
 * (continuation lines joined, comments dropped). Good enough for the end-to-end test; the
 * runbook checker has its own Markdown parser.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './served-simulator';

export const runbookPath = join(repoRoot, 'scenarios', 'runbooks', 'speculation-incident-response.md');

export interface RunbookBlock {
  section: string;
  commands: string[];
}

export function runbookBlocks(): RunbookBlock[] {
  const blocks: RunbookBlock[] = [];
  let section = '';
  let current: string[] | undefined;
  for (const line of readFileSync(runbookPath, 'utf8').split('\n')) {
    if (current === undefined) {
      const heading = /^#{2,4}\s+(.*)$/.exec(line);
      if (heading) section = heading[1]!.trim();
      if (line.trim() === '```bash') current = [];
      continue;
    }
    if (line.trim() === '```') {
      blocks.push({ section, commands: joinCommands(current) });
      current = undefined;
      continue;
    }
    current.push(line);
  }
  return blocks;
}

function joinCommands(lines: string[]): string[] {
  const commands: string[] = [];
  let pending = '';
  for (const line of lines) {
    if (pending === '' && (line.trim() === '' || line.trim().startsWith('#'))) continue;
    pending += pending === '' ? line : `\n${line}`;
    if (!line.endsWith('\\')) {
      commands.push(pending);
      pending = '';
    }
  }
  if (pending !== '') commands.push(pending);
  return commands;
}
