"use client";

import { useEffect } from "react";

import { applyTheme, storedTheme } from "@/lib/theme";

/** Shows the theme chosen in Settings (kept in this browser) once the app is running. */
export function ThemeSync() {
  useEffect(() => applyTheme(storedTheme(), document.documentElement), []);
  return null;
}
