"use client";

import { useCallback, useEffect, useMemo, useState, type ReactNode } from "react";
import { Provider } from "urql";

import { AppShell } from "@/components/AppShell";
import { SignInForm } from "@/components/SignInForm";
import { graphql } from "@/gql";
import { AppContext, LocaleContext, type AppState } from "@/lib/app-context";
import { createApiClient } from "@/lib/client";
import { HOUSEHOLD_COOKIE, MeQuery, chooseHousehold } from "@/lib/operations";
import { RefetchContext } from "@/lib/refetch-context";
import type { InitialState, Viewer } from "@/lib/server-data";

const LogoutMutation = graphql(`
  mutation Logout {
    logout {
      ok
    }
  }
`);

type State =
  | { status: "checking" }
  | { status: "signedOut" }
  | { status: "signedIn"; viewer: Viewer; householdId: string | null };

/** The household remembered in its cookie (set when the viewer picks one in the header). */
function rememberedHousehold(): string | null {
  const match = new RegExp(`(?:^|; )${HOUSEHOLD_COOKIE}=([^;]*)`).exec(document.cookie);
  return match?.[1] ? decodeURIComponent(match[1]) : null;
}

function rememberHousehold(id: string | null): void {
  document.cookie = id
    ? `${HOUSEHOLD_COOKIE}=${encodeURIComponent(id)}; path=/; max-age=31536000; samesite=lax`
    : `${HOUSEHOLD_COOKIE}=; path=/; max-age=0; samesite=lax`;
}

function signedIn(viewer: Viewer): State {
  return { status: "signedIn", viewer, householdId: chooseHousehold(viewer.households, rememberedHousehold()) };
}

/**
 * The app: sign in (or register), then the screens (`children`, the App Router's pages) inside the app shell.
 * The session is the router's httpOnly cookies. The server renders the first page with the viewer's data when the
 * access cookie is valid; otherwise the app asks the server who is signed in (refreshing the cookies silently if
 * the access token has expired) and shows the sign-in form only when no one is. The app lives in the layout, so
 * the client (its cache, its socket) survives moving between pages.
 */
export function FinCloudApp({
  initial,
  locale,
  children,
}: {
  initial: InitialState | null;
  locale: string;
  children: ReactNode;
}) {
  const [state, setState] = useState<State>(
    initial
      ? { status: "signedIn", viewer: initial.viewer, householdId: initial.householdId }
      : { status: "checking" },
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
        setState(me ? signedIn(me) : { status: "signedOut" });
      });
    return () => {
      current = false;
    };
  }, [api, checking]);

  const signOut = useCallback(async () => {
    const result = await api.client.mutation(LogoutMutation, {}).toPromise();
    // Offline, or the server out of reach: the session was not ended, so it goes on (the offline banner says so).
    if (result.error?.networkError) return;
    rememberHousehold(null);
    setSession((n) => n + 1);
    setState({ status: "signedOut" });
  }, [api]);

  // The sign-in's answer was given before the session existed, so it holds no households: ask who is signed in.
  const welcome = useCallback(
    (viewer: Viewer) => {
      setState(signedIn(viewer));
      void api.client
        .query(MeQuery, {}, { requestPolicy: "network-only" })
        .toPromise()
        .then((result) => {
          const me = result.data?.me;
          if (me) setState((s) => (s.status === "signedIn" && s.viewer.id === me.id ? signedIn(me) : s));
        });
    },
    [api],
  );

  const app = useMemo<AppState | null>(
    () =>
      state.status === "signedIn"
        ? {
            viewer: state.viewer,
            householdId: state.householdId,
            locale,
            setHouseholdId(id) {
              rememberHousehold(id);
              setState((s) => (s.status === "signedIn" ? { ...s, householdId: id } : s));
            },
          }
        : null,
    [state, locale],
  );

  if (state.status === "checking") return null;
  return (
    <LocaleContext.Provider value={locale}>
      <Provider value={api.client}>
        <RefetchContext.Provider value={api.refetch}>
          {app ? (
            <AppContext.Provider value={app}>
              <AppShell onSignOut={signOut}>{children}</AppShell>
            </AppContext.Provider>
          ) : (
            <main className="flex min-h-dvh items-center justify-center px-4 py-12">
              <SignInForm onSignedIn={welcome} />
            </main>
          )}
        </RefetchContext.Provider>
      </Provider>
    </LocaleContext.Provider>
  );
}
