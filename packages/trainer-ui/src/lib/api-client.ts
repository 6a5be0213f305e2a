/** The one place the UI talks HTTP to the simulator and turns failures into messages. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

let token: string | null = null;

export function setApiToken(value: string | null): void {
  token = value;
}

type Method = 'GET' | 'POST' | 'DELETE';

async function send(method: Method, path: string, body: unknown, bearer: string | null, accept = 'application/json'): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        accept,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError('Cannot reach the gameday server. Is `gameday serve` still running?', 0);
  }
  if (!response.ok) {
    const payload = (await response.json().catch(() => ({}))) as { message?: string };
    throw new ApiError(payload.message ?? `The server answered ${response.status}.`, response.status);
  }
  return response;
}

async function request<T>(method: Method, path: string, body: unknown, bearer: string | null): Promise<T> {
  const response = await send(method, path, body, bearer);
  return (await response.json().catch(() => ({}))) as T;
}

/**
 * Fetches a file the server only gives with a token, and hands it to the browser as a download
 * (a plain link cannot carry the token: it would have to go in the address).
 */
async function download(path: string, filename: string, bearer: string | null, accept: string): Promise<void> {
  const response = await send('GET', path, undefined, bearer, accept);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export const getJson = <T>(path: string) => request<T>('GET', path, undefined, token);
export const postJson = <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}, token);
/** A text file of the drill (the post-mortem draft) to show on the page, fetched with the page's token. */
export const getText = async (path: string, accept = 'text/markdown') => (await send('GET', path, undefined, token, accept)).text();
/** A file of the drill (the post-mortem draft), fetched with the page's token. */
export const downloadFile = (path: string, filename: string, accept = 'text/markdown') => download(path, filename, token, accept);

/** Calls made with another token than the page's (the facilitator console's). */
export function apiWithToken(bearer: string) {
  return {
    get: <T>(path: string) => request<T>('GET', path, undefined, bearer),
    post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}, bearer),
    del: <T>(path: string) => request<T>('DELETE', path, undefined, bearer),
    /** A CSV the server only gives with the facilitator token, as a download. */
    download: (path: string, filename: string) => download(path, filename, bearer, 'text/csv'),
  };
}
