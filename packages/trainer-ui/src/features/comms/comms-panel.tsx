import { useState, type FormEvent, type ReactNode } from 'react';
import type { TraineeView } from '@gameday/simulator';
import { Panel } from '../../components/panel';
import { FormError } from '../../components/form-error';
import { commsTemplateTexts, fillTemplate, type TemplateFacts } from './comms-templates';

const escalations = [
  { id: 'platform-lead', label: 'Platform lead' },
  { id: 'engineering-leadership', label: 'Engineering leadership' },
  { id: 'finance', label: 'Finance' },
  { id: 'legal', label: 'Legal' },
] as const;
const channelNames = ['#incidents', '#platform-alerts', 'customers', 'email'] as const;
/** The order channels are listed in: where the trainee posts and is answered, then where others post (#deploys). */
const channelOrder = ['#incidents', 'bridge', '#platform-alerts', '#deploys', 'customers', 'email'];
const channelLabel = (channel: string) => (channel === 'bridge' ? 'Incident bridge' : channel);

interface ChannelLine {
  at: string;
  from: string;
  text: string;
  own: boolean;
}

/**
 * A posted line as a chat client shows it: the templates' `**Status:**` in bold, line breaks kept.
 * Built as React nodes, never HTML, since a participant's text is untrusted.
 */
function chatText(text: string): ReactNode[] {
  return text.split(/\*\*(.+?)\*\*/g).map((part, index) => (index % 2 === 1 ? <strong key={index}>{part}</strong> : part));
}

/**
 * Each channel with anything in it, its lines in time order: other teams' messages and the
 * trainee's own posts interleaved, as the channel itself would read.
 */
function channelLines(posts: TraineeView['trainee']['posts'], messages: TraineeView['messages'], bridgeLines: TraineeView['trainee']['bridgeLines'] = [], onBridge = false): Array<[string, ChannelLine[]]> {
  const byChannel = new Map<string, ChannelLine[]>();
  const add = (channel: string, line: ChannelLine) => {
    const lines = byChannel.get(channel) ?? [];
    lines.push(line);
    byChannel.set(channel, lines);
  };
  for (const message of messages) add(message.channel, { at: message.at, from: message.from, text: message.text, own: false });
  for (const post of posts) add(post.channel, { at: post.at, from: 'you', text: post.text, own: true });
  for (const line of bridgeLines) add('bridge', { at: line.at, from: line.by ?? 'you', text: line.text, own: true });
  // Once on the bridge it is listed, empty or not: it is where the responder speaks.
  if (onBridge && !byChannel.has('bridge')) byChannel.set('bridge', []);
  const rank = (channel: string) => (channelOrder.includes(channel) ? channelOrder.indexOf(channel) : channelOrder.length);
  return [...byChannel.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([channel, lines]) => [channel, lines.sort((a, b) => a.at.localeCompare(b.at))]);
}

/**
 * A form that sends what was typed: busy while it goes; once sent, `sent` clears the box (and any
 * old complaint); refused, the server's reason is kept to show beside the box, the text left as typed.
 */
function useSubmission() {
  const [problem, setProblem] = useState<string>();
  const [sending, setSending] = useState(false);
  const submit = async (event: FormEvent, send: () => Promise<void>, sent: () => void) => {
    event.preventDefault();
    setSending(true);
    try {
      await send();
      sent();
      setProblem(undefined);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setSending(false);
    }
  };
  return { problem, setProblem, sending, submit };
}

/** A line said on the bridge: the summary leadership asks for, what the secondary should watch. */
function BridgeSay({ say, disabled }: { say: CommsActions['say']; disabled: boolean }) {
  const [text, setText] = useState('');
  const { problem, setProblem, sending: saying, submit } = useSubmission();
  return (
    <form className="bridge-say" aria-label="Say on the bridge" onSubmit={(event) => void submit(event, () => say(text.trim()), () => setText(''))}>
      <input
        aria-label="What you say on the bridge"
        placeholder="Say something on the bridge"
        maxLength={500}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setProblem(undefined);
        }}
      />
      <button type="submit" disabled={disabled || saying || text.trim() === ''}>
        Say
      </button>
      <FormError message={problem} />
    </form>
  );
}

export interface CommsActions {
  joinBridge: () => void;
  post: (input: { channel: string; template: string; text: string }) => Promise<void>;
  /** Says a line on the bridge (once on it); a refusal is thrown, for the box to show. */
  say: (text: string) => Promise<void>;
  escalate: (to: string) => void;
}

/** The incident bridge, the runbook's message templates posted to channels, and escalation. */
/** In a game-day, what this person's role allows; everything when not given. */
export interface CommsAllowed {
  bridge: boolean;
  comms: boolean;
  escalate: boolean;
}

export function CommsPanel({
  trainee,
  messages = [],
  actions,
  busy,
  allowed,
  facts,
}: {
  trainee: TraineeView['trainee'];
  /** What the drill knows, filled into a template when it is chosen. */
  facts?: TemplateFacts;
  /** What other teams posted in the drill's channels. */
  messages?: TraineeView['messages'];
  actions: CommsActions;
  busy?: boolean;
  allowed?: CommsAllowed;
}) {
  const [templateId, setTemplateId] = useState(commsTemplateTexts[0]!.id);
  const template = commsTemplateTexts.find((candidate) => candidate.id === templateId)!;
  const [channel, setChannel] = useState<string>(template.channel);
  // Until the responder types, the box shows the template filled with what the drill knows now.
  const [edited, setEdited] = useState<string | null>(null);
  const { problem, setProblem, sending: posting, submit } = useSubmission();
  const text = edited ?? (facts ? fillTemplate(template.text, facts) : template.text);

  const choose = (id: string) => {
    const next = commsTemplateTexts.find((candidate) => candidate.id === id)!;
    setTemplateId(next.id);
    setChannel(next.channel);
    setEdited(null);
    setProblem(undefined);
  };

  return (
    <Panel title="Comms and escalation">
      <div className="bridge">
        {trainee.bridgeJoinedAt ? (
          <span>On the incident bridge since {trainee.bridgeJoinedAt.slice(11, 19)} UTC: say something there below</span>
        ) : (
          <button type="button" onClick={actions.joinBridge} disabled={busy || allowed?.bridge === false}>
            Join the incident bridge
          </button>
        )}
      </div>
      <form onSubmit={(event) => void submit(event, () => actions.post({ channel, template: templateId, text }), () => setEdited(''))} aria-label="Post an update">
        <label>
          Template{' '}
          <select value={templateId} onChange={(event) => choose(event.target.value)}>
            {commsTemplateTexts.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.label}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          Channel{' '}
          <select value={channel} onChange={(event) => setChannel(event.target.value)}>
            {channelNames.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label className="message">
          Message (fill in every {'{placeholder}'})
          <textarea
            value={text}
            onChange={(event) => {
              setEdited(event.target.value);
              setProblem(undefined);
            }}
            rows={9}
          />
        </label>
        <FormError message={problem} />
        <button type="submit" disabled={busy || posting || text.trim() === '' || allowed?.comms === false} title={allowed?.comms === false ? 'Your role does not post communications' : undefined}>
          Post
        </button>{' '}
        <button type="button" onClick={() => choose(templateId)} disabled={edited === null}>
          Start again from the template
        </button>
      </form>
      {channelLines(trainee.posts, messages, trainee.bridgeLines, trainee.bridgeJoinedAt !== null).map(([name, lines]) => (
        <section key={name} className="channel" aria-label={`Channel ${channelLabel(name)}`}>
          <h3>{channelLabel(name)}</h3>
          <ul className="posts" aria-label={channelLabel(name)}>
            {lines.map((line, index) => (
              <li key={index} className={line.own ? 'own' : 'other'}>
                {line.at.slice(11, 19)} <strong>{line.from}</strong>: <span className="post-text">{chatText(line.text)}</span>
              </li>
            ))}
          </ul>
          {name === 'bridge' && trainee.bridgeJoinedAt !== null && <BridgeSay say={actions.say} disabled={busy === true || allowed?.bridge === false} />}
        </section>
      ))}
      <div className="escalations" role="group" aria-label="Escalate">
        Escalate to:{' '}
        {escalations.map((target) => {
          const done = trainee.escalations.find((escalation) => escalation.to === target.id);
          return (
            <button key={target.id} type="button" disabled={busy || done !== undefined || allowed?.escalate === false} onClick={() => actions.escalate(target.id)}>
              {target.label}
              {done ? ` ✓ ${done.at.slice(11, 16)}` : ''}
            </button>
          );
        })}
      </div>
    </Panel>
  );
}
