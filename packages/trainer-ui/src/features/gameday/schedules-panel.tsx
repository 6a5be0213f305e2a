import { useState, type FormEvent } from 'react';
import { ApiError } from '../../lib/api-client';
import { Panel } from '../../components/panel';
import { FormError } from '../../components/form-error';
import { DifficultySelect } from '../../components/difficulty-select';
import type { FacilitatorApi, ScheduleView } from './facilitator-api';

/** The latest occurrence: when, which session, and which instance opened it (or why it could not). */
function lastFired(schedule: ScheduleView): string {
  const last = schedule.lastFired;
  if (!last) return 'not yet';
  const when = last.at.replace('T', ' ').slice(0, 16);
  if (last.error !== null) return `${when}: failed on ${last.instance} (${last.error})`;
  return `${when}: ${last.session ?? 'opening'} on ${last.instance}`;
}

/** Scheduled game-days: cron expressions that open a session (at a moment inside a window, for surprises). */
export function SchedulesPanel({ api, schedules, scenarios, onChange }: { api: FacilitatorApi; schedules: ScheduleView[]; scenarios: string[]; onChange: () => void }) {
  const [form, setForm] = useState({ name: '', cron: '0 14 * * FRI', timezone: 'UTC', windowMinutes: 0, scenario: 'surprise', difficulty: 'normal', team: '', webhook: '' });
  const [error, setError] = useState<string>();
  const set = (field: keyof typeof form) => (event: { target: { value: string } }) => setForm({ ...form, [field]: field === 'windowMinutes' ? Number(event.target.value) : event.target.value });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const { name, team, webhook, ...rest } = form;
      await api.post('/gameday/schedules', { ...rest, ...(name.trim() ? { name: name.trim() } : {}), ...(team.trim() ? { team: team.trim() } : {}), ...(webhook.trim() ? { webhook: webhook.trim() } : {}) });
      onChange();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    }
  };
  const remove = async (id: string) => {
    try {
      await api.del(`/gameday/schedules/${encodeURIComponent(id)}`);
      onChange();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    }
  };

  return (
    <Panel title="Scheduled game-days">
      {schedules.length === 0 ? (
        <p className="quiet">No schedules. They are kept in the store, survive a restart, and fire once however many instances share it.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>When</th>
              <th>Scenario</th>
              <th>Team</th>
              <th>Next</th>
              <th>Last opened</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {schedules.map((schedule) => (
              <tr key={schedule.id}>
                <td>{schedule.name}</td>
                <td>
                  <code>{schedule.cron}</code> {schedule.timezone}
                  {schedule.windowMinutes > 0 ? `, at random within ${schedule.windowMinutes} min` : ''}
                </td>
                <td>
                  {schedule.scenario} ({schedule.difficulty})
                </td>
                <td>{schedule.team}</td>
                <td>{schedule.nextAt ? schedule.nextAt.replace('T', ' ').slice(0, 16) : 'never'}</td>
                <td>{lastFired(schedule)}</td>
                <td>
                  <button type="button" onClick={() => void remove(schedule.id)} aria-label={`Remove schedule ${schedule.name}`}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form onSubmit={(event) => void submit(event)} aria-label="Add a schedule">
        <label>
          Name <input value={form.name} onChange={set('name')} maxLength={100} placeholder="Failure Friday" />
        </label>
        <label>
          Cron <input value={form.cron} onChange={set('cron')} maxLength={100} size={14} />
        </label>
        <label>
          Time zone <input value={form.timezone} onChange={set('timezone')} maxLength={100} size={14} />
        </label>
        <label>
          Surprise window (min) <input type="number" min={0} max={10080} value={form.windowMinutes} onChange={set('windowMinutes')} style={{ width: '6em' }} />
        </label>
        <label>
          Scenario{' '}
          <select value={form.scenario} onChange={set('scenario')}>
            {['surprise', ...scenarios].map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
        <DifficultySelect value={form.difficulty} onChange={(difficulty) => setForm({ ...form, difficulty })} />
        <label>
          Team <input value={form.team} onChange={set('team')} maxLength={100} />
        </label>
        <label>
          Webhook <input value={form.webhook} onChange={set('webhook')} maxLength={2000} placeholder="server default" />
        </label>
        <button type="submit">Add schedule</button>
      </form>
      <FormError message={error} />
    </Panel>
  );
}
