"use client";

import { useId, useState, type FormEvent } from "react";
import { useClient } from "urql";

import { graphql } from "@/gql";
import { describeError } from "@/lib/client";
import type { Viewer } from "@/lib/server-data";

// What both mutations answer; the generated Login and Register documents carry this fragment.
graphql(`
  fragment AuthResult on AuthPayload {
    user {
      id
      email
      name
      households {
        id
        name
        role
      }
    }
    errors {
      __typename
      message
      ... on ValidationError {
        field
      }
    }
  }
`);

const LoginMutation = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      ...AuthResult
    }
  }
`);

const RegisterMutation = graphql(`
  mutation Register($input: RegisterInput!) {
    register(input: $input) {
      ...AuthResult
    }
  }
`);

type Mode = "signIn" | "register";

const inputClass =
  "mt-1 block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-slate-900 shadow-sm " +
  "focus:border-emerald-600 focus:outline-none focus:ring-2 focus:ring-emerald-600/30 " +
  "dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100";

export function SignInForm({ onSignedIn }: { onSignedIn: (viewer: Viewer) => void }) {
  const client = useClient();
  const [mode, setMode] = useState<Mode>("signIn");
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const ids = useId();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const field = (name: string) => String(form.get(name) ?? "");

    setBusy(true);
    setErrors([]);
    try {
      // The router answers with httpOnly session cookies; no token ever reaches this page's scripts.
      const credentials = { email: field("email").trim(), password: field("password"), useCookies: true };
      const result =
        mode === "signIn"
          ? await client.mutation(LoginMutation, { input: credentials }).toPromise()
          : await client.mutation(RegisterMutation, { input: { ...credentials, name: field("name").trim() } }).toPromise();
      if (result.error) {
        setErrors([describeError(result.error)]);
        return;
      }
      const data = result.data;
      const payload = data && ("login" in data ? data.login : data.register);
      if (!payload) {
        setErrors(["The server sent no answer."]);
      } else if (payload.errors.length > 0) {
        setErrors(payload.errors.map((e) => e.message));
      } else if (payload.user) {
        onSignedIn(payload.user);
      } else {
        setErrors(["The server did not sign you in."]);
      }
    } finally {
      setBusy(false);
    }
  }

  const registering = mode === "register";
  return (
    <section className="mx-auto w-full max-w-sm rounded-2xl border border-slate-200 bg-white p-8 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <h1 className="text-2xl font-semibold tracking-tight">
        {registering ? "Create your FinCloud account" : "Sign in to FinCloud"}
      </h1>
      <form className="mt-6 space-y-4" onSubmit={submit}>
        {registering && (
          <div>
            <label htmlFor={`${ids}-name`} className="text-sm font-medium">
              Name
            </label>
            <input id={`${ids}-name`} name="name" autoComplete="name" required className={inputClass} />
          </div>
        )}
        <div>
          <label htmlFor={`${ids}-email`} className="text-sm font-medium">
            Email
          </label>
          <input
            id={`${ids}-email`}
            name="email"
            type="email"
            autoComplete="email"
            required
            className={inputClass}
          />
        </div>
        <div>
          <label htmlFor={`${ids}-password`} className="text-sm font-medium">
            Password
          </label>
          <input
            id={`${ids}-password`}
            name="password"
            type="password"
            autoComplete={registering ? "new-password" : "current-password"}
            minLength={registering ? 10 : undefined}
            required
            aria-describedby={registering ? `${ids}-password-hint` : undefined}
            className={inputClass}
          />
          {registering && (
            <p id={`${ids}-password-hint`} className="mt-1 text-xs text-slate-500 dark:text-slate-400">
              At least 10 characters.
            </p>
          )}
        </div>

        {errors.length > 0 && (
          <div
            role="alert"
            className="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200"
          >
            <ul className="space-y-1">
              {errors.map((message, i) => (
                <li key={i}>{message}</li>
              ))}
            </ul>
          </div>
        )}

        <button
          type="submit"
          disabled={busy}
          className="w-full rounded-lg bg-emerald-700 px-4 py-2 font-medium text-white shadow-sm hover:bg-emerald-800 focus:outline-none focus:ring-2 focus:ring-emerald-600/50 disabled:opacity-60"
        >
          {busy ? "Please wait…" : registering ? "Create account" : "Sign in"}
        </button>
      </form>
      <p className="mt-6 text-center text-sm text-slate-600 dark:text-slate-400">
        {registering ? "Already have an account? " : "New to FinCloud? "}
        <button
          type="button"
          onClick={() => {
            setMode(registering ? "signIn" : "register");
            setErrors([]);
          }}
          className="font-medium text-emerald-700 underline-offset-2 hover:underline dark:text-emerald-400"
        >
          {registering ? "Sign in" : "Create an account"}
        </button>
      </p>
    </section>
  );
}
