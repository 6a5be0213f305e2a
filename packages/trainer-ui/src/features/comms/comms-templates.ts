/** The runbook's communication templates, as its "Communication Templates" section gives them. */
export interface CommsTemplateText {
  id: 'initial-alert' | 'update' | 'resolution' | 'escalation-email' | 'customer-initial' | 'customer-update' | 'customer-resolution';
  label: string;
  channel: '#incidents' | '#platform-alerts' | 'customers' | 'email';
  text: string;
}

export const commsTemplateTexts: CommsTemplateText[] = [
  {
    id: 'initial-alert',
    label: 'Initial alert (P1/P2)',
    channel: '#incidents',
    text: '🚨 [P{X}] Speculation Incident - {Short Description}\n\n**Status:** Investigating\n**Impact:** {Brief impact statement}\n**Incident Lead:** @{name}\n**Bridge:** {zoom link}\n\nNext update in 15 minutes.',
  },
  {
    id: 'update',
    label: 'Update',
    channel: '#incidents',
    text: '🔄 [P{X}] Speculation Incident Update\n\n**Status:** {Investigating|Mitigating|Monitoring|Resolved}\n**Duration:** {X} minutes\n**Impact:** {Current impact}\n\n**Progress:**\n- {What we learned}\n- {What we did}\n\n**Next Steps:**\n- {What\'s happening next}\n\nNext update in {X} minutes.',
  },
  {
    id: 'resolution',
    label: 'Resolution',
    channel: '#incidents',
    text: '✅ [P{X}] Speculation Incident Resolved\n\n**Duration:** {Total time}\n**Root Cause:** {Brief summary}\n**Resolution:** {What fixed it}\n\n**Action Items:**\n- [ ] Post-mortem scheduled for {date}\n- [ ] {Other follow-ups}\n\nFull details in incident ticket: {link}',
  },
  {
    id: 'escalation-email',
    label: 'Escalation e-mail',
    channel: 'email',
    text: "Subject: Escalation Required - P{X} Speculation Incident\n\nHi {Name},\n\nI'm escalating a P{X} speculation incident that requires your attention.\n\n**Summary:** {One-line description}\n\n**Current Situation:**\n- Started: {Time}\n- Impact: {Description}\n- What we've tried: {Brief list}\n\n**Why escalating:**\n- {Reason}\n\n**What we need:**\n- {Specific ask}\n\n**Bridge:** {Link}\n**Ticket:** {Link}\n\n--{Your name}",
  },
  {
    id: 'customer-initial',
    label: 'Customer notice: investigating',
    channel: 'customers',
    text: 'Subject: [Investigating] AgenC Speculation Service Degradation\n\nWe are currently investigating an issue affecting speculative task execution.\nSome transactions may experience delays or failures.\n\nImpact: {Description of user-visible impact}\nStarted: {Time} UTC\n\nWe are actively working to resolve this and will provide updates every 30 minutes.\n\nStatus page: https://status.agenc.io',
  },
  {
    id: 'customer-update',
    label: 'Customer notice: update',
    channel: 'customers',
    text: 'Subject: [Update] AgenC Speculation Service Degradation\n\nUpdate as of {Time} UTC:\n\nWe have identified the root cause and are implementing a fix.\n{Additional context if helpful}\n\nCurrent Impact: {Updated impact}\nETA to Resolution: {If known}\n\nNext update in 30 minutes or upon resolution.',
  },
  {
    id: 'customer-resolution',
    label: 'Customer notice: resolved',
    channel: 'customers',
    text: 'Subject: [Resolved] AgenC Speculation Service Degradation\n\nThe issue affecting speculative task execution has been resolved as of {Time} UTC.\n\nDuration: {X hours/minutes}\nRoot Cause: {Customer-appropriate summary}\nResolution: {What was done}\n\nAll services are now operating normally. We apologize for any inconvenience.\n\nA full post-mortem will be published within {X} days.',
  },
];

/** What the drill knows that a template asks for; each is filled in only when known. */
export interface TemplateFacts {
  /** Who is posting: the trainee, or the participant in a game-day. */
  name: string;
  /** The declared severity, e.g. P2; null before one is declared. */
  severity: string | null;
  bridgeUrl: string;
  /** The paged alert's summary: the incident's short description as the page gave it. */
  summary: string | null;
  /** When the page fired and the simulated now, as ISO instants. */
  pagedAt: string | null;
  now: string;
  updateEveryMinutes: number;
}

const hhmm = (iso: string) => iso.slice(11, 16);

/** "1 minute", "12 minutes". */
const minutesText = (minutes: number) => `${minutes} minute${minutes === 1 ? '' : 's'}`;

/**
 * A template with what the drill knows filled in: the severity, the poster's name, the bridge
 * link, the start, the duration so far, the next update's cadence, the page's description.
 * What only the responder knows (impact, progress, next steps) stays a placeholder to fill.
 */
export function fillTemplate(text: string, facts: TemplateFacts): string {
  const minutes = facts.pagedAt === null ? null : Math.max(0, Math.floor((Date.parse(facts.now) - Date.parse(facts.pagedAt)) / 60_000));
  const rules: Array<[RegExp, string | null]> = [
    [/P\{X\}/g, facts.severity],
    [/\{Short Description\}|\{One-line description\}/g, facts.summary],
    [/@\{name\}/g, `@${facts.name}`],
    [/\{Your name\}/g, facts.name],
    [/\{zoom link\}/g, facts.bridgeUrl],
    [/(\*\*Bridge:\*\* )\{Link\}/g, `$1${facts.bridgeUrl}`],
    [/(\*\*Duration:\*\* )\{X\} minutes/g, minutes === null ? null : `$1${minutesText(minutes)}`],
    [/\{Total time\}|\{X hours\/minutes\}/g, minutes === null ? null : minutesText(minutes)],
    [/Started: \{Time\}( UTC)?/g, facts.pagedAt === null ? null : `Started: ${hhmm(facts.pagedAt)} UTC`],
    [/as of \{Time\} UTC/g, `as of ${hhmm(facts.now)} UTC`],
    [/Next update in \{X\} minutes/g, `Next update in ${facts.updateEveryMinutes} minutes`],
  ];
  let filled = text;
  for (const [pattern, replacement] of rules) if (replacement !== null) filled = filled.replace(pattern, replacement);
  return filled;
}
