/**
 * What the app remembers between visits: which FinCloud server the user signed in to, and who they are, for the
 * first paint. Nothing secret: the session itself lives in the router's httpOnly cookies, and the server is asked
 * (`me`) before any of this is trusted.
 */

export type Session = {
  apiUrl: string;
  user: { name: string; email: string };
};

const KEY = "fincloud.session";

export function loadSession(storage: Storage): Session | null {
  try {
    const raw = storage.getItem(KEY);
    if (!raw) return null;
    const session = JSON.parse(raw) as Partial<Session>;
    if (typeof session.apiUrl !== "string" || typeof session.user?.email !== "string") return null;
    return { apiUrl: session.apiUrl, user: { name: String(session.user.name ?? ""), email: session.user.email } };
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
