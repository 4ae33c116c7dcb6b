"use client";

import { useSearchParams } from "next/navigation";
import { useEffect, useMemo, useState } from "react";
import { Provider } from "urql";

import { AccountList } from "@/components/AccountList";
import { SignInForm } from "@/components/SignInForm";
import { createApiClient } from "@/lib/client";
import { resolveApiUrl } from "@/lib/endpoint";
import { clearSession, loadSession, saveSession, type Session } from "@/lib/session";

/** The first slice of the PWA: sign in (or register) against a chosen server, then list the viewer's accounts. */
export function FinCloudApp() {
  const query = useSearchParams().get("api");
  const defaultApiUrl = resolveApiUrl({ query, env: process.env.NEXT_PUBLIC_FINCLOUD_API_URL });
  const [session, setSession] = useState<Session | null>(null);
  const [restored, setRestored] = useState(false);

  useEffect(() => {
    const saved = loadSession(window.sessionStorage);
    // A link to another server (?api=) asks for a sign-in there, not the session of this one.
    setSession(saved && (!query || saved.apiUrl === defaultApiUrl) ? saved : null);
    setRestored(true);
  }, [query, defaultApiUrl]);

  function signIn(next: Session) {
    saveSession(window.sessionStorage, next);
    setSession(next);
  }

  function signOut() {
    clearSession(window.sessionStorage);
    setSession(null);
  }

  if (!restored) return null;
  return session ? (
    <SignedIn session={session} onSignOut={signOut} />
  ) : (
    <main className="flex min-h-dvh items-center justify-center px-4 py-12">
      <SignInForm defaultApiUrl={defaultApiUrl} onSignedIn={signIn} />
    </main>
  );
}

function SignedIn({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const client = useMemo(() => createApiClient(session.apiUrl, session.token), [session.apiUrl, session.token]);
  return (
    <Provider value={client}>
      <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <div className="mx-auto flex max-w-4xl items-center justify-between gap-4 px-4 py-3">
          <span className="text-lg font-semibold tracking-tight text-emerald-700 dark:text-emerald-400">FinCloud</span>
          <div className="flex items-center gap-4 text-sm">
            <span className="text-slate-600 dark:text-slate-300" title={session.user.email}>
              {session.user.name}
            </span>
            <button
              type="button"
              onClick={onSignOut}
              className="rounded-lg border border-slate-300 px-3 py-1.5 font-medium hover:bg-slate-50 dark:border-slate-600 dark:hover:bg-slate-800"
            >
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-4xl px-4 py-8">
        <AccountList apiUrl={session.apiUrl} />
        <p className="mt-6 text-xs text-slate-500 dark:text-slate-400">
          Connected to <span className="font-mono">{session.apiUrl}</span>
        </p>
      </main>
    </Provider>
  );
}
