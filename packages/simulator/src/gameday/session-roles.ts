/**
 * Game-day roles and what each may do. The incident commander may do everything; the primary
 * on-call works the incident (commands, page, severity); the comms lead talks to people; an
 * observer watches the shared view and does nothing that changes the drill.
 */
import { GamedayError } from '../core/gameday-error';

export const roles = ['incident-commander', 'primary-on-call', 'comms-lead', 'observer'] as const;
export type Role = (typeof roles)[number];

export const roleLabels: Record<Role, string> = {
  'incident-commander': 'Incident commander',
  'primary-on-call': 'Primary on-call',
  'comms-lead': 'Comms lead',
  observer: 'Observer',
};

/** Kinds of action the server checks a person's role against. */
export const permissions = ['command', 'acknowledge', 'severity', 'bridge', 'comms', 'escalate', 'declare', 'fast-forward'] as const;
export type Permission = (typeof permissions)[number];

const permissionWords: Record<Permission, string> = {
  command: 'run commands (admin API, kubectl, agenc, the terminal)',
  acknowledge: 'acknowledge the page',
  severity: 'declare the severity',
  bridge: 'join the bridge',
  comms: 'post incident communications',
  escalate: 'escalate',
  declare: 'declare the incident mitigated or resolved',
  'fast-forward': 'fast-forward the clock',
};

export const rolePermissions: Record<Role, readonly Permission[]> = {
  'incident-commander': permissions,
  'primary-on-call': ['command', 'acknowledge', 'severity', 'bridge', 'escalate', 'fast-forward'],
  'comms-lead': ['bridge', 'comms', 'escalate'],
  observer: [],
};

export function can(role: Role, permission: Permission): boolean {
  return rolePermissions[role].includes(permission);
}

/** Throws the 403 a person gets for an action their role does not allow, naming who may. */
export function requireRole(role: Role, permission: Permission): void {
  if (can(role, permission)) return;
  const allowed = roles.filter((candidate) => can(candidate, permission));
  throw new GamedayError('FORBIDDEN', `${roleLabels[role].toLowerCase()}s cannot ${permissionWords[permission]}; in this game-day that is for: ${allowed.map((name) => roleLabels[name].toLowerCase()).join(', ')}`, {
    field: 'role',
    allowed,
  });
}
