"use client";

import { useEffect } from "react";

import { applyTheme, storedTheme } from "@/lib/theme";

/**
 * Shows the theme chosen in Settings (kept in this browser) once the app is running. The root layout's inline script
 * has already applied it before the first paint; this keeps a page that skipped it (a client-side error, a stale
 * offline shell) right.
 */
export function ThemeSync() {
  useEffect(() => applyTheme(storedTheme(), document.documentElement), []);
  return null;
}
