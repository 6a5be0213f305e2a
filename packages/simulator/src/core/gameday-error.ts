/**
 * The simulator's coded errors. Every rejection it makes, in any layer, is a GamedayError with
 * one of these codes and a message a person can act on: which field, what was wrong, what is
 * allowed. A code says what kind of refusal it is, never how a surface answers it: only the
 * http layer maps codes to statuses (`http/errors.ts`), so the world, the drill and a game-day
 * raise the same error whether a route, the CLI or a test called them.
 */
export const errorCodes = [
  'MALFORMED_REQUEST',
  'INVALID_URL',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'TERMINAL_NEEDS_SANDBOX',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'REQUEST_TIMEOUT',
  'MALFORMED_JSON',
  'INVALID_BODY',
  'UNKNOWN_CONFIG_KEY',
  'INVALID_CONFIG_VALUE',
  'INVALID_PARAMETER',
  'BODY_TOO_LARGE',
  'URI_TOO_LONG',
  'UNSUPPORTED_MEDIA_TYPE',
  'HEADERS_TOO_LARGE',
  'CONFLICT',
  'LOOP',
  'UNAVAILABLE',
  'DRILL_MOVING',
  'DRILL_UNREACHABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/** A rejection with a code; `field` names the input that was wrong, `allowed` what it may be. */
export class GamedayError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly allowed: readonly string[] | undefined;

  constructor(code: ErrorCode, message: string, details: { field?: string; allowed?: readonly string[] } = {}) {
    super(message);
    this.name = 'GamedayError';
    this.code = code;
    this.field = details.field;
    this.allowed = details.allowed;
  }
}
