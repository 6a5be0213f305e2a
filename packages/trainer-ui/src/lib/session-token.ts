/**
 * The admin token the trainer's actions need. `gameday serve` prints the trainer's address with
 * the token in the fragment (`/#token=…`), which the browser never sends to a server; we keep it
 * for the tab and take it out of the address bar.
 */
const key = 'gameday.token';

export function readSessionToken(): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (match) {
    const token = decodeURIComponent(match[1]!);
    sessionStorage.setItem(key, token);
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return token;
  }
  return sessionStorage.getItem(key);
}
