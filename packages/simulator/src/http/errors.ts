/**
 * Codes in the core, statuses at the edge (CONVENTIONS 20): the HTTP status and title each
 * GamedayError code is answered with, and the JSON body of an error. The table is typed over
 * every code, so a code added to `core/gameday-error.ts` without a status here fails typecheck.
 */
import type { ErrorCode, GamedayError } from '../core/gameday-error';

export const errorStatus: { readonly [Code in ErrorCode]: { readonly status: number; readonly title: string } } = {
  MALFORMED_REQUEST: { status: 400, title: 'Bad Request' },
  INVALID_URL: { status: 400, title: 'Invalid URL' },
  UNAUTHORIZED: { status: 401, title: 'Unauthorized' },
  FORBIDDEN: { status: 403, title: 'Forbidden' },
  TERMINAL_NEEDS_SANDBOX: { status: 403, title: 'Terminal needs a sandbox' },
  NOT_FOUND: { status: 404, title: 'Not Found' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method Not Allowed' },
  REQUEST_TIMEOUT: { status: 408, title: 'Request Timeout' },
  MALFORMED_JSON: { status: 400, title: 'Malformed JSON' },
  INVALID_BODY: { status: 400, title: 'Invalid body' },
  UNKNOWN_CONFIG_KEY: { status: 400, title: 'Unknown config key' },
  INVALID_CONFIG_VALUE: { status: 400, title: 'Invalid config value' },
  INVALID_PARAMETER: { status: 400, title: 'Invalid parameter' },
  BODY_TOO_LARGE: { status: 413, title: 'Payload Too Large' },
  URI_TOO_LONG: { status: 414, title: 'URI Too Long' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported Media Type' },
  HEADERS_TOO_LARGE: { status: 431, title: 'Request Header Fields Too Large' },
  CONFLICT: { status: 409, title: 'Conflict' },
  LOOP: { status: 508, title: 'Loop Detected' },
  UNAVAILABLE: { status: 503, title: 'Service Unavailable' },
  DRILL_MOVING: { status: 503, title: 'Drill Moving' },
  DRILL_UNREACHABLE: { status: 502, title: 'Drill Unreachable' },
  INTERNAL: { status: 500, title: 'Internal Server Error' },
};

/** The HTTP status a coded error is answered with. */
export function statusOf(error: GamedayError): number {
  return errorStatus[error.code].status;
}

/** The JSON shape of every error answer of the admin and control APIs. */
export interface ErrorBody {
  error: string;
  message: string;
  field?: string;
  allowed?: string[];
}

/** A coded error as the admin and control APIs answer it. */
export function errorBody(error: GamedayError): ErrorBody {
  return {
    error: error.code,
    message: error.message,
    ...(error.field === undefined ? {} : { field: error.field }),
    ...(error.allowed === undefined ? {} : { allowed: [...error.allowed] }),
  };
}
