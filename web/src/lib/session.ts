/**
 * The signed-in session, kept for this browser tab only (sessionStorage): closing the tab signs out.
 * httpOnly cookies and refresh tokens replace this when the PWA grows past its first slice.
 */

export type Session = {
  apiUrl: string;
  token: string;
  /** ISO 8601 (UTC); null when the server did not say. */
  expiresAt: string | null;
  user: { name: string; email: string };
};

const KEY = "fincloud.session";

export function loadSession(storage: Storage, now: Date = new Date()): Session | null {
  try {
    const raw = storage.getItem(KEY);
    if (!raw) return null;
    const session = JSON.parse(raw) as Session;
    if (session.expiresAt && new Date(session.expiresAt) <= now) {
      storage.removeItem(KEY);
      return null;
    }
    return session;
  } catch {
    return null;
  }
}

export function saveSession(storage: Storage, session: Session): void {
  storage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(storage: Storage): void {
  storage.removeItem(KEY);
}
