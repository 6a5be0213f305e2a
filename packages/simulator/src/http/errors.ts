/**
 * The one table of domain errors. Every rejection the simulator makes is one of these codes,
 * with a message a person can act on: which field, what was wrong, what is allowed.
 */
export const errorCatalog = {
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
  INTERNAL: { status: 500, title: 'Internal Server Error' },
} as const;

export type ErrorCode = keyof typeof errorCatalog;

/** A rejection with a code from the catalog; `field` names the input that was wrong. */
export class GamedayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly field: string | undefined;
  readonly allowed: readonly string[] | undefined;

  constructor(code: ErrorCode, message: string, details: { field?: string; allowed?: readonly string[] } = {}) {
    super(message);
    this.name = 'GamedayError';
    this.code = code;
    this.status = errorCatalog[code].status;
    this.field = details.field;
    this.allowed = details.allowed;
  }

  toBody(): ErrorBody {
    return {
      error: this.code,
      message: this.message,
      ...(this.field === undefined ? {} : { field: this.field }),
      ...(this.allowed === undefined ? {} : { allowed: [...this.allowed] }),
    };
  }
}

/** The JSON shape of every error answer of the admin and control APIs. */
export interface ErrorBody {
  error: string;
  message: string;
  field?: string;
  allowed?: string[];
}
