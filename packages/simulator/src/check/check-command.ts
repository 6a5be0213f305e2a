/** `gameday check`: runs the check, shows progress on stderr, writes the reports, gives the exit code. */
import { writeFileSync } from 'node:fs';
import { progressLine, summary, toJunitXml } from './check-report';
import { CheckUsageError, checkRunbook } from './runbook-check';

export async function runCheckCommand(runbook: string, options: { junit?: string; json?: boolean; only?: string[]; seed?: number }): Promise<number> {
  try {
    const report = await checkRunbook(runbook, {
      ...(options.only ? { only: options.only } : {}),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      onProgress: (progress) => {
        const line = progressLine(progress);
        if (line !== undefined) process.stderr.write(`${line}\n`);
      },
    });
    if (options.junit) writeFileSync(options.junit, toJunitXml(report));
    process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${summary(report)}\n`);
    return report.passed ? 0 : 1;
  } catch (error) {
    if (error instanceof CheckUsageError) {
      process.stderr.write(`gameday check: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
