/**
 * What the address says this page is. `gameday serve` prints the trainer's address with the
 * admin token in the fragment (`/#token=…`), the facilitator console's with the facilitator
 * token (`/#facilitator=…`), and join links carry the code (`/#join=CODE`). The browser never
 * sends a fragment to a server; tokens are kept for the tab and taken out of the address bar.
 */
const tokenKey = 'gameday.token';
const facilitatorKey = 'gameday.facilitator';

export type PageRoute = { kind: 'facilitator'; token: string } | { kind: 'join'; code: string } | { kind: 'drill'; token: string | null };

function fragment(name: string): string | undefined {
  const match = new RegExp(`(?:^#|&)${name}=([^&]+)`).exec(window.location.hash);
  return match ? decodeURIComponent(match[1]!) : undefined;
}

function clearFragment(): void {
  history.replaceState(null, '', window.location.pathname + window.location.search);
}

export function readPageRoute(): PageRoute {
  const facilitator = fragment('facilitator');
  if (facilitator !== undefined) {
    sessionStorage.setItem(facilitatorKey, facilitator);
    clearFragment();
    return { kind: 'facilitator', token: facilitator };
  }
  const code = fragment('join');
  if (code !== undefined) return { kind: 'join', code: code.toUpperCase() };
  const token = fragment('token');
  if (token !== undefined) {
    sessionStorage.setItem(tokenKey, token);
    // A drill link replaces whatever this tab was before (a console, another drill).
    sessionStorage.removeItem(facilitatorKey);
    clearFragment();
    return { kind: 'drill', token };
  }
  const storedFacilitator = sessionStorage.getItem(facilitatorKey);
  if (storedFacilitator !== null) return { kind: 'facilitator', token: storedFacilitator };
  return { kind: 'drill', token: sessionStorage.getItem(tokenKey) };
}
