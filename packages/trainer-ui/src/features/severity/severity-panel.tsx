import { useState, type FormEvent } from 'react';
import type { TraineeView } from '@gameday/simulator';
import { Panel } from '../../components/panel';
import { FormError } from '../../components/form-error';

type Severity = 'P1' | 'P2' | 'P3' | 'P4';

/** The runbook's severity matrix, one line each. */
const levels: Array<{ id: Severity; label: string }> = [
  { id: 'P1', label: 'P1 Critical: service down, data integrity risk, significant financial impact, >50% rollback rate' },
  { id: 'P2', label: 'P2 High: significant degradation, speculation auto-disabled, 25-50% rollback rate, proof generation >90% capacity' },
  { id: 'P3', label: 'P3 Medium: minor degradation with a workaround, 10-25% rollback rate, slow proofs, single pod issues' },
  { id: 'P4', label: 'P4 Low: minimal impact, metrics gap, dashboard issues, config drift' },
];

/** The runbook's impact assessment guide. */
export const impactAssessment = [
  { id: 'non-functional', text: 'Is speculation completely non-functional?', effect: 'yes: P1' },
  { id: 'data-at-risk', text: 'Is user data at risk of corruption?', effect: 'yes: P1' },
  { id: 'funds-at-risk', text: 'Are transactions failing or funds at risk?', effect: 'yes: P1-P2' },
  { id: 'auto-protecting', text: 'Is the system auto-protecting (disabled speculation)?', effect: 'yes: P2' },
  { id: 'over-10-percent', text: 'Are more than 10% of operations affected?', effect: 'yes: P2, no: P3-P4' },
  { id: 'workaround', text: 'Is there a workaround?', effect: 'yes: lower by 1 level' },
  { id: 'business-hours', text: 'Is it business hours in primary region?', effect: 'yes: higher by 1 level' },
] as const;

export interface SeverityDeclarationInput {
  severity: Severity;
  answers: Record<string, boolean>;
}

/** Declare P1-P4 with the impact assessment beside it; it can be changed, each change recorded. */
export function SeverityPanel({ current, changes, onDeclare, busy }: { current: TraineeView['trainee']['severity']; changes: number; onDeclare: (input: SeverityDeclarationInput) => void; busy?: boolean }) {
  const [severity, setSeverity] = useState<Severity | ''>('');
  const [answers, setAnswers] = useState<Record<string, boolean>>({});
  const [problem, setProblem] = useState<string>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (severity === '') {
      setProblem('Choose a severity first.');
      return;
    }
    setProblem(undefined);
    onDeclare({ severity, answers });
  };
  return (
    <Panel title="Severity">
      <form onSubmit={submit} aria-label="Declare severity">
        <p>
          {current ? (
            <>
              Declared: <strong>{current.severity}</strong>
              {changes > 1 ? ` (changed ${changes - 1} time${changes > 2 ? 's' : ''})` : ''}
            </>
          ) : (
            'Not declared yet.'
          )}
        </p>
        <fieldset>
          <legend>Impact assessment</legend>
          {impactAssessment.map((question) => (
            <label key={question.id} className="question">
              <input type="checkbox" checked={answers[question.id] ?? false} onChange={(event) => setAnswers({ ...answers, [question.id]: event.target.checked })} /> {question.text}{' '}
              <span className="quiet">({question.effect})</span>
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Severity</legend>
          {levels.map((level) => (
            <label key={level.id} className="level">
              <input type="radio" name="severity" value={level.id} checked={severity === level.id} onChange={() => setSeverity(level.id)} /> {level.label}
            </label>
          ))}
        </fieldset>
        <FormError message={problem} />
        <button type="submit" disabled={busy}>
          {current ? 'Change severity' : 'Declare severity'}
        </button>
      </form>
    </Panel>
  );
}
