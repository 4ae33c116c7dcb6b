"use client";

import { useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useState } from "react";
import { Provider } from "urql";

import { AccountList } from "@/components/AccountList";
import { SignInForm } from "@/components/SignInForm";
import { graphql } from "@/gql";
import { createApiClient } from "@/lib/client";
import { resolveApiUrl } from "@/lib/endpoint";
import { clearSession, loadSession, saveSession, type Session } from "@/lib/session";

const MeQuery = graphql(`
  query Me {
    me {
      id
      name
      email
    }
  }
`);

const LogoutMutation = graphql(`
  mutation Logout {
    logout {
      ok
    }
  }
`);

type State = { status: "checking" } | { status: "signedOut" } | { status: "signedIn"; session: Session };

/**
 * The first slice of the PWA: sign in (or register) against a chosen server, then list the viewer's accounts.
 * The session is the router's httpOnly cookies: on load the app asks the server who is signed in (refreshing the
 * cookies silently if the access token has expired) and shows the sign-in form only when no one is.
 */
export function FinCloudApp() {
  const query = useSearchParams().get("api");
  const [apiUrl, setApiUrl] = useState<string | null>(null);
  const [state, setState] = useState<State>({ status: "checking" });

  const signedOut = useCallback(() => {
    clearSession(window.localStorage);
    setState({ status: "signedOut" });
  }, []);
  const client = useMemo(() => (apiUrl ? createApiClient(apiUrl, { onSignedOut: signedOut }) : null), [apiUrl, signedOut]);

  // Which server: a link's ?api=, else the one signed in to last time, else the build's default.
  useEffect(() => {
    const saved = loadSession(window.localStorage);
    setApiUrl(resolveApiUrl({ query, env: saved?.apiUrl ?? process.env.NEXT_PUBLIC_FINCLOUD_API_URL }));
  }, [query]);

  // Who is signed in there, according to the server.
  useEffect(() => {
    if (!client || !apiUrl) return;
    let current = true;
    setState({ status: "checking" });
    client
      .query(MeQuery, {}, { requestPolicy: "network-only" })
      .toPromise()
      .then((result) => {
        if (!current) return;
        const me = result.data?.me;
        if (me) {
          const session = { apiUrl, user: { name: me.name, email: me.email } };
          saveSession(window.localStorage, session);
          setState({ status: "signedIn", session });
        } else {
          setState({ status: "signedOut" });
        }
      });
    return () => {
      current = false;
    };
  }, [client, apiUrl]);

  function signIn(next: Session) {
    saveSession(window.localStorage, next);
    setApiUrl(next.apiUrl);
    setState({ status: "signedIn", session: next });
  }

  async function signOut() {
    await client?.mutation(LogoutMutation, {}).toPromise();
    signedOut();
  }

  if (!apiUrl || !client || state.status === "checking") return null;
  return state.status === "signedIn" ? (
    <Provider value={client}>
      <SignedIn session={state.session} onSignOut={signOut} />
    </Provider>
  ) : (
    <main className="flex min-h-dvh items-center justify-center px-4 py-12">
      <SignInForm defaultApiUrl={apiUrl} onSignedIn={signIn} />
    </main>
  );
}

function SignedIn({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  return (
    <>
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
    </>
  );
}
