import { progressBar } from "@/lib/budget";

/**
 * How much of a category's budget is spent, as a bar: emerald within budget, amber from 80 %, red over it. The
 * ratio is the server's `progress` (a display ratio, not money); screen readers hear the percentage.
 */
export function BudgetBar({ name, progress }: { name: string; progress: number | null | undefined }) {
  const { percent, over } = progressBar(progress);
  const exact = progress === null || progress === undefined ? null : Math.round(progress * 100);
  const colour = over ? "bg-red-600 dark:bg-red-400" : percent >= 80 ? "bg-amber-500 dark:bg-amber-400" : "bg-emerald-600 dark:bg-emerald-400";
  return (
    <div
      role="progressbar"
      aria-label={name}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-valuetext={exact === null ? "Nothing budgeted" : over ? `Over budget: ${exact}% spent` : `${exact}% spent`}
      className="h-2 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-700"
    >
      <div className={`h-full rounded-full ${colour}`} style={{ width: `${percent}%` }} />
    </div>
  );
}
