"use client";

import { useCallback, useEffect, useMemo, useState } from "react";
import { Provider } from "urql";

import { AccountList } from "@/components/AccountList";
import { SignInForm } from "@/components/SignInForm";
import { graphql } from "@/gql";
import { createApiClient } from "@/lib/client";
import { MeQuery } from "@/lib/operations";
import { RefetchContext } from "@/lib/refetch-context";
import type { InitialState, Viewer } from "@/lib/server-data";

const LogoutMutation = graphql(`
  mutation Logout {
    logout {
      ok
    }
  }
`);

type State = { status: "checking" } | { status: "signedOut" } | { status: "signedIn"; viewer: Viewer };

/**
 * The app: sign in (or register), then the viewer's accounts, kept live. The session is the router's httpOnly
 * cookies. The server renders the first page with the viewer's data when the access cookie is valid; otherwise the
 * app asks the server who is signed in (refreshing the cookies silently if the access token has expired) and shows
 * the sign-in form only when no one is.
 */
export function FinCloudApp({ initial }: { initial: InitialState | null }) {
  const [state, setState] = useState<State>(
    initial ? { status: "signedIn", viewer: initial.viewer } : { status: "checking" },
  );
  // A new client (an empty cache, a new socket) for every session: one person's data never shows to the next.
  const [session, setSession] = useState(0);

  // The server's data seeds the first client only.
  const [seed] = useState(initial?.data);
  const signedOut = useCallback(() => setState({ status: "signedOut" }), []);
  const api = useMemo(
    () => createApiClient({ initialState: session === 0 ? seed : undefined, onSignedOut: signedOut }),
    [session, seed, signedOut],
  );
  useEffect(() => () => api.dispose(), [api]);

  // Who is signed in, when the server could not tell.
  const checking = state.status === "checking";
  useEffect(() => {
    if (!checking) return;
    let current = true;
    api.client
      .query(MeQuery, {}, { requestPolicy: "network-only" })
      .toPromise()
      .then((result) => {
        if (!current) return;
        const me = result.data?.me;
        setState(me ? { status: "signedIn", viewer: me } : { status: "signedOut" });
      });
    return () => {
      current = false;
    };
  }, [api, checking]);

  async function signOut() {
    await api.client.mutation(LogoutMutation, {}).toPromise();
    setSession((n) => n + 1);
    setState({ status: "signedOut" });
  }

  if (state.status === "checking") return null;
  return (
    <Provider value={api.client}>
      <RefetchContext.Provider value={api.refetch}>
        {state.status === "signedIn" ? (
          <SignedIn viewer={state.viewer} onSignOut={signOut} />
        ) : (
          <main className="flex min-h-dvh items-center justify-center px-4 py-12">
            <SignInForm onSignedIn={(viewer) => setState({ status: "signedIn", viewer })} />
          </main>
        )}
      </RefetchContext.Provider>
    </Provider>
  );
}

function SignedIn({ viewer, onSignOut }: { viewer: Viewer; onSignOut: () => void }) {
  return (
    <>
      <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <div className="mx-auto flex max-w-4xl items-center justify-between gap-4 px-4 py-3">
          <span className="text-lg font-semibold tracking-tight text-emerald-700 dark:text-emerald-400">FinCloud</span>
          <div className="flex items-center gap-4 text-sm">
            <span className="text-slate-600 dark:text-slate-300" title={viewer.email}>
              {viewer.name}
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
        <AccountList />
      </main>
    </>
  );
}
