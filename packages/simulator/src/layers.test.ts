/**
 * The layers hold (issue 14, item 8): ESLint, with the repository's own config, reports an
 * import against the arrows (eslint.layers.js) and a cycle. Each case lints a snippet as if it
 * were a file at that path; type-aware rules are off here, so only the import rules speak.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const src = 'packages/simulator/src';
let eslint: ESLint;

const importing = (target: string) => `import * as target from '${target}';\nexport const probe = target;\n`;

// The first lint reads the whole import graph (for no-cycle); later ones reuse it.
const lintTimeoutMs = 60_000;

beforeAll(async () => {
  eslint = new ESLint({ cwd: root, overrideConfig: [tseslint.configs.disableTypeChecked] });
  await eslint.lintText(importing('../drill/drill'), { filePath: `${src}/http/probe.ts` });
}, 2 * lintTimeoutMs);

/** The messages of the import rules for `code` placed at `filePath` (from the repository root). */
async function importProblems(filePath: string, code: string): Promise<Array<{ rule: string | null; message: string }>> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((message) => ({ rule: message.ruleId, message: message.message })).filter(({ rule }) => rule === null || rule.startsWith('boundaries/') || rule.startsWith('import-x/') || rule === 'no-restricted-imports');
}

describe('the layers, as lint holds them', { timeout: lintTimeoutMs }, () => {
  it.each([
    ['world', 'http', `${src}/world/probe.ts`, '../http/app'],
    ['world', 'drill', `${src}/world/probe.ts`, '../drill/drill'],
    ['gameday', 'http', `${src}/gameday/probe.ts`, '../http/app'],
    ['drill', 'http', `${src}/drill/probe.ts`, '../http/app'],
    ['drill', 'gameday', `${src}/drill/probe.ts`, '../gameday/game-day-hub'],
    ['drill', 'scoring', `${src}/drill/probe.ts`, '../scoring/drill-scorer'],
    ['drill', 'storage', `${src}/drill/probe.ts`, '../storage/drill-store'],
    ['scenarios', 'http', 'scenarios/src/probe.ts', `../../${src}/http/app`],
    ['scenarios', 'world', 'scenarios/src/probe.ts', `../../${src}/world/world`],
  ])('reports %s importing %s', async (from, to, filePath, target) => {
    const problems = await importProblems(filePath, importing(target));
    expect(problems).toContainEqual({ rule: 'boundaries/dependencies', message: expect.stringContaining(`${from} may not import ${to} ("${target}")`) as unknown });
  });

  it('lets each layer import the layers below it', async () => {
    expect(await importProblems(`${src}/drill/probe.ts`, importing('../world/world'))).toEqual([]);
    expect(await importProblems(`${src}/world/probe.ts`, importing('../core/gameday-error'))).toEqual([]);
    expect(await importProblems(`${src}/http/probe.ts`, importing('../drill/drill'))).toEqual([]);
    expect(await importProblems(`${src}/gameday/probe.ts`, importing('../scoring/drill-scorer'))).toEqual([]);
  });

  it('reports the simulator imported by name from the scenarios', async () => {
    const problems = await importProblems('scenarios/src/probe.ts', importing('@gameday/simulator'));
    expect(problems).toContainEqual({ rule: 'no-restricted-imports', message: expect.stringContaining('The scenarios are the bottom layer') as unknown });
  });

  it('reports a test helper imported by anything but a test, and lets a test import any layer', async () => {
    const problems = await importProblems(`${src}/drill/probe.ts`, importing('../clock/test-wall-clock'));
    expect(problems).toContainEqual({ rule: 'boundaries/dependencies', message: expect.stringContaining('only a test may import a test file') as unknown });
    expect(await importProblems(`${src}/drill/probe.test.ts`, importing('../http/test-server'))).toEqual([]);
  });

  it('reports an import cycle', async () => {
    // world/world.ts importing the drill, which imports world/world.ts.
    const problems = await importProblems(`${src}/world/world.ts`, importing('../drill/drill'));
    expect(problems).toContainEqual({ rule: 'import-x/no-cycle', message: expect.stringContaining('Dependency cycle') as unknown });
  });
});
