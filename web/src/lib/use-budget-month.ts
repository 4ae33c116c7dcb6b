"use client";

import { useCallback, useEffect, useState } from "react";
import { useQuery, useSubscription } from "urql";

import type { BudgetMonthFieldsFragment } from "@/gql/graphql";
import { BudgetChangedSubscription, BudgetMonthQuery } from "@/lib/budget-operations";
import { useRefetchOnResume } from "@/lib/refetch-context";

export type BudgetMonthFigures = BudgetMonthFieldsFragment;

/**
 * One month's budget figures, kept live: `budgetChanged` carries the changed months' figures as they are now, and
 * the one shown is replaced by them without asking again (budget months have no id, so graphcache cannot do it by
 * itself). A figure pushed by an event or a mutation stands until the query itself answers anew. Interruptions
 * are handled by the client's subscription exchange (`src/lib/live.ts`): the subscription starts again and, as the
 * events of the gap were lost, the month is fetched again.
 */
export function useBudgetMonth(householdId: string | null, month: string) {
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: BudgetMonthQuery,
    variables: { householdId: householdId ?? "", month },
    pause: !householdId,
  });
  const refetch = useCallback(() => reexecute({ requestPolicy: "network-only" }), [reexecute]);
  useRefetchOnResume(refetch);

  const base = data?.budgetMonth ?? null;
  const [pushed, setPushed] = useState<{ base: unknown; figures: BudgetMonthFigures } | null>(null);
  const apply = useCallback(
    (figures: BudgetMonthFigures | null | undefined) => {
      if (figures && figures.month === month && figures.householdId === householdId) setPushed({ base, figures });
    },
    [base, month, householdId],
  );

  const [{ data: event }] = useSubscription({
    query: BudgetChangedSubscription,
    variables: { householdId: householdId ?? "" },
    pause: !householdId,
  });
  const changed = event?.budgetChanged;
  useEffect(() => {
    if (!changed) return;
    const figures = changed.budgetMonths.find((m) => m.month === month);
    if (figures) apply(figures);
    // A change to every month (a setting) or one that names this month without its figures: ask again.
    else if (changed.months.length === 0 || changed.months.includes(month)) refetch();
    // Only a new event should run this, not a new month or household (those come with their own query).
  }, [changed?.eventId]);

  const figures = pushed && pushed.base === base ? pushed.figures : base;
  return { figures, fetching, error, apply, refetch };
}
