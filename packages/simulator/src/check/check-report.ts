/** The runbook check's report for people (progress and summary) and for CI (JUnit XML). */
import type { CheckProgress, CheckReport, SectionResult, StepResult } from './runbook-check';

/** XML 1.0 allows no control characters but tab, newline and carriage return. */
const xmlEscape = (text: string) =>
  [...text]
    .filter((char) => char >= ' ' || char === '\t' || char === '\n' || char === '\r')
    .join('')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** A step's name on one line: the command's first line, with an ellipsis where it continues. */
export function stepTitle(step: StepResult): string {
  const lines = step.name.split('\n');
  return lines.length > 1 ? `${lines[0]!.replace(/\s*\\$/, '')} …` : step.name;
}

function sectionTitle(section: SectionResult): string {
  return section.id === section.heading ? section.heading : `${section.heading}`;
}

/** JUnit XML: one testsuite per section, one testcase per step, a failure with the reason. */
export function toJunitXml(report: CheckReport): string {
  const suites = report.sections.map((section) => {
    const failures = section.steps.filter((step) => !step.passed).length;
    const cases = section.steps.map((step) => {
      const name = xmlEscape(`${step.line === null ? '' : `line ${step.line}: `}${stepTitle(step)}`);
      const open = `    <testcase classname="${xmlEscape(section.id)}" name="${name}" time="${seconds(step.durationMs)}"`;
      if (step.passed) return `${open}/>`;
      const detail = [step.name, step.reason, step.stderr ? `stderr:\n${step.stderr}` : ''].filter(Boolean).join('\n\n');
      return `${open}>\n      <failure message="${xmlEscape(step.reason ?? 'failed')}" type="${step.kind}">${xmlEscape(detail)}</failure>\n    </testcase>`;
    });
    return `  <testsuite name="${xmlEscape(sectionTitle(section))}" tests="${section.steps.length}" failures="${failures}" errors="0" time="${seconds(section.durationMs)}">\n    <properties>\n      <property name="scenario" value="${xmlEscape(section.scenario)}"/>\n    </properties>\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="gameday check ${xmlEscape(report.runbook)}" tests="${report.counts.steps}" failures="${report.counts.failed}" errors="0" time="${seconds(report.durationMs)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

/** One line per section start and per step, for stderr while the check runs. */
export function progressLine(progress: CheckProgress): string | undefined {
  switch (progress.type) {
    case 'section':
      return `▶ ${progress.section.heading}  (scenario ${progress.section.scenario})`;
    case 'step': {
      const { step } = progress;
      const where = step.line === null ? '' : `line ${step.line}: `;
      return `  ${step.passed ? '✓' : '✗'} ${where}${stepTitle(step)}  ${(step.durationMs / 1000).toFixed(2)}s${step.passed ? '' : `\n      → ${step.reason}`}`;
    }
    case 'section-done':
      return undefined;
  }
}

/** The closing summary: counts, and each failure with its section, line and reason. */
export function summary(report: CheckReport): string {
  const lines = [
    `gameday check ${report.runbook}: ${report.counts.sections} sections, ${report.counts.steps} steps, ${report.counts.passed} passed, ${report.counts.failed} failed (${(report.durationMs / 1000).toFixed(1)} s)`,
  ];
  for (const section of report.sections) {
    for (const step of section.steps) {
      if (!step.passed) lines.push(`  ✗ ${section.id}${step.line === null ? '' : `, line ${step.line}`}: ${stepTitle(step)}\n      ${step.reason}`);
    }
  }
  lines.push(report.passed ? 'runbook OK: every step works against the simulator' : 'runbook drift: fix the steps above (or the simulator, if the service changed)');
  return lines.join('\n');
}
