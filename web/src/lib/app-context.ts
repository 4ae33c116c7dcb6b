"use client";

import { createContext, useContext } from "react";

import { DEFAULT_LOCALE } from "@/lib/format";
import type { Viewer } from "@/lib/server-data";

/** What every signed-in screen needs: who, which household, how to write numbers and dates. */
export type AppState = {
  viewer: Viewer;
  /** The household the screens show (the switcher in the header); null when the viewer has none. */
  householdId: string | null;
  setHouseholdId(id: string): void;
  /** The locale amounts and dates are written in: the server picked it from Accept-Language, the browser keeps it. */
  locale: string;
};

export const AppContext = createContext<AppState | null>(null);

export function useApp(): AppState {
  const state = useContext(AppContext);
  if (!state) throw new Error("useApp outside the signed-in app");
  return state;
}

/** The locale, signed in or not. */
export const LocaleContext = createContext<string>(DEFAULT_LOCALE);

export function useLocale(): string {
  return useContext(LocaleContext);
}
