"use client";

import { createContext, useContext, useEffect } from "react";

import { RefetchSignal } from "@/lib/client";

export const RefetchContext = createContext<RefetchSignal>(new RefetchSignal());

/** Runs `refetch` whenever live updates were interrupted and have started again (events may have been missed). */
export function useRefetchOnResume(refetch: () => void): void {
  const signal = useContext(RefetchContext);
  useEffect(() => signal.on(refetch), [signal, refetch]);
}
