/**
 * Game-day announcements to a Slack-compatible incoming webhook: a JSON body with `text`
 * (what every client shows) and `blocks` (Slack's richer layout; Mattermost and others use the
 * text). Sent once, with a short timeout: an unreachable chat must not hold up the game-day.
 */
export interface Announcement {
  title: string;
  lines: string[];
  joinUrl: string;
  code: string;
}

export function slackMessage(announcement: Announcement): { text: string; blocks: unknown[] } {
  const text = `:rotating_light: *${announcement.title}*\n${announcement.lines.join('\n')}\nJoin with code *${announcement.code}*: ${announcement.joinUrl}`;
  return {
    text,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: announcement.title } },
      { type: 'section', text: { type: 'mrkdwn', text: announcement.lines.join('\n') } },
      { type: 'section', text: { type: 'mrkdwn', text: `Join with code *${announcement.code}*: <${announcement.joinUrl}|open the game-day>` } },
    ],
  };
}

export type AnnounceResult = { ok: true; status: number } | { ok: false; error: string };

export async function announce(webhook: string, announcement: Announcement, timeoutMs = 5000): Promise<AnnounceResult> {
  try {
    const response = await fetch(webhook, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(slackMessage(announcement)),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer();
    return response.ok ? { ok: true, status: response.status } : { ok: false, error: `the webhook answered ${response.status}` };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
