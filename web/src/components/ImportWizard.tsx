"use client";

import Link from "next/link";
import { useContext, useEffect, useId, useState, type FormEvent } from "react";
import { useMutation, useQuery, useSubscription } from "urql";

import {
  card,
  errorText,
  field,
  label,
  linkButton,
  muted,
  primaryButton,
  secondaryButton,
  tableHead,
} from "@/components/ui";
import { graphql } from "@/gql";
import type { ImportCsvMappingInput, ImportFieldsFragment, ImportStatus } from "@/gql/graphql";
import { useApp } from "@/lib/app-context";
import { describeError } from "@/lib/client";
import { formatDate, formatEnum, formatMoney, isNegative } from "@/lib/format";
import { AccountsQuery, firstAccountsPage } from "@/lib/operations";
import { RefetchContext } from "@/lib/refetch-context";

/** Rows of the dry run shown for review. */
const REVIEW_ROWS = 100; // the `rows(first: …)` of ImportFields: the most one page holds

graphql(`
  fragment ImportColumn on ImportCsvColumn {
    header
    index
  }
`);

graphql(`
  fragment ImportFields on Import {
    id
    accountId
    status
    filename
    format
    problem {
      code
      message
    }
    counts {
      total
      new
      duplicate
      conflict
      invalid
      created
      linked
      skipped
      removed
    }
    csv {
      headerLine
      headers
      rows {
        line
        cells
      }
      dateFormats
      decimalSeparator
      problems
      proposedMapping {
        date {
          ...ImportColumn
        }
        amount {
          ...ImportColumn
        }
        payee {
          ...ImportColumn
        }
        memo {
          ...ImportColumn
        }
        dateFormat
        decimalSeparator
        hasHeader
        negate
      }
    }
    rows(first: 100) {
      nodes {
        index
        line
        date
        payee
        memo
        status
        reason
        action
        amount {
          amount
          currency
        }
      }
    }
  }
`);

const ImportUploadMutation = graphql(`
  mutation ImportUpload($input: ImportUploadInput!) {
    importUpload(input: $input) {
      import {
        ...ImportFields
      }
      errors {
        __typename
        message
      }
    }
  }
`);

const ImportDryRunMutation = graphql(`
  mutation ImportDryRun($input: ImportDryRunInput!) {
    importDryRun(input: $input) {
      import {
        ...ImportFields
      }
      errors {
        __typename
        message
      }
    }
  }
`);

const ImportCommitMutation = graphql(`
  mutation ImportCommit($input: ImportCommitInput!) {
    importCommit(input: $input) {
      import {
        id
        status
      }
      errors {
        __typename
        message
      }
    }
  }
`);

const ImportUndoMutation = graphql(`
  mutation ImportUndo($input: ImportUndoInput!) {
    importUndo(input: $input) {
      import {
        id
        status
        counts {
          removed
        }
      }
      errors {
        __typename
        message
      }
    }
  }
`);

const ImportProgressSubscription = graphql(`
  subscription ImportProgress($importId: ID!) {
    importProgress(importId: $importId) {
      importId
      status
      phase
      processed
      total
      created
      linked
      skipped
      message
    }
  }
`);

/** Statuses after which an import's progress no longer moves. */
const SETTLED: ReadonlySet<ImportStatus> = new Set(["COMMITTED", "FAILED", "UNDONE"]);

type Step = "file" | "mapping" | "review" | "commit";

/** The messages of a payload's `errors`, or of the request's failure. */
function problemsOf(
  result: { error?: Parameters<typeof describeError>[0] },
  errors: { message: string }[] | undefined,
): string[] {
  if (result.error) return [describeError(result.error)];
  return (errors ?? []).map((e) => e.message);
}

/**
 * Importing a bank statement into an account, in four steps: upload the file; for a CSV, say which columns hold
 * what (with the file's first rows to look at); review the dry run, where the server marks each row new, duplicate
 * or conflicting; commit, following the server's progress live, with undo afterwards. Statuses, phases and
 * problems are shown in the server's own words.
 */
export function ImportWizard({ initialAccountId }: { initialAccountId: string | null }) {
  const [step, setStep] = useState<Step>("file");
  const [imported, setImported] = useState<ImportFieldsFragment | null>(null);

  // A CSV always gets its mapping confirmed (the server's proposal preselected); other formats that read as they
  // are go straight to the dry run.
  function uploaded(next: ImportFieldsFragment) {
    setImported(next);
    setStep(next.csv || next.status !== "READY" ? "mapping" : "review");
  }

  function dryRun(next: ImportFieldsFragment) {
    setImported(next);
    setStep("review");
  }

  const steps: { id: Step; name: string }[] = [
    { id: "file", name: "Choose a file" },
    { id: "mapping", name: "Map columns" },
    { id: "review", name: "Dry run" },
    { id: "commit", name: "Import" },
  ];
  const at = steps.findIndex((s) => s.id === step);

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold tracking-tight">Import a statement</h1>
      <ol aria-label="Steps" className="flex flex-wrap gap-2 text-sm">
        {steps.map((s, i) => (
          <li
            key={s.id}
            aria-current={i === at ? "step" : undefined}
            className={`rounded-full px-3 py-1 ${
              i === at
                ? "bg-emerald-700 font-semibold text-white dark:bg-emerald-600"
                : i < at
                  ? "bg-emerald-50 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200"
                  : "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300"
            }`}
          >
            {i + 1}. {s.name}
          </li>
        ))}
      </ol>
      {step === "file" && <FileStep initialAccountId={initialAccountId} onUploaded={uploaded} />}
      {step === "mapping" && imported && (
        <MappingStep imported={imported} onDryRun={dryRun} onBack={() => setStep("file")} />
      )}
      {step === "review" && imported && (
        <ReviewStep
          imported={imported}
          onBack={() => setStep(imported.csv ? "mapping" : "file")}
          onCommitted={() => setStep("commit")}
        />
      )}
      {step === "commit" && imported && (
        <CommitStep
          imported={imported}
          onAnother={() => {
            setImported(null);
            setStep("file");
          }}
        />
      )}
    </div>
  );
}

function Problems({ messages }: { messages: string[] }) {
  if (messages.length === 0) return null;
  return (
    <ul role="alert" className={`${errorText} space-y-1`}>
      {messages.map((message, i) => (
        <li key={i}>{message}</li>
      ))}
    </ul>
  );
}

function FileStep({
  initialAccountId,
  onUploaded,
}: {
  initialAccountId: string | null;
  onUploaded: (imported: ImportFieldsFragment) => void;
}) {
  const { householdId, locale } = useApp();
  const ids = useId();
  const [{ data: accountData, fetching: loadingAccounts }] = useQuery({
    query: AccountsQuery,
    variables: firstAccountsPage(householdId),
  });
  const [{ fetching }, upload] = useMutation(ImportUploadMutation);
  const [problems, setProblems] = useState<string[]>([]);
  const accounts = accountData?.accounts.edges.map((e) => e.node) ?? [];

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const accountId = String(form.get("account") ?? "");
    const file = form.get("file");
    if (!accountId || !(file instanceof File) || file.size === 0) {
      setProblems(["Choose the account and the statement file."]);
      return;
    }
    setProblems([]);
    // A File in the variables: urql sends a GraphQL multipart request (with the CSRF header the router requires).
    const result = await upload({ input: { accountId, file } });
    const payload = result.data?.importUpload;
    const found = problemsOf(result, payload?.errors);
    if (found.length || !payload?.import) setProblems(found.length ? found : ["The server did not take the file."]);
    else onUploaded(payload.import);
  }

  if (!loadingAccounts && accounts.length === 0) {
    return (
      <p className={muted}>
        There is no account to import into yet.{" "}
        <Link href="/accounts" className={linkButton}>
          Create one
        </Link>
        .
      </p>
    );
  }
  return (
    <form onSubmit={submit} className={`${card} max-w-xl space-y-4 p-5`} noValidate>
      <div>
        <label htmlFor={`${ids}-account`} className={label}>
          Account
        </label>
        <select
          id={`${ids}-account`}
          name="account"
          defaultValue={initialAccountId ?? undefined}
          key={accounts.length}
          className={`${field} mt-1`}
        >
          {accounts.map((account) => (
            <option key={account.id} value={account.id}>
              {account.name} ({formatMoney(account.balance, locale)})
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={`${ids}-file`} className={label}>
          Statement file
        </label>
        <input
          id={`${ids}-file`}
          name="file"
          type="file"
          required
          accept=".csv,.txt,.ofx,.qfx,.qif,.xml,.sta,.mt940,text/csv"
          aria-describedby={`${ids}-file-help`}
          className={`${field} mt-1`}
        />
        <p id={`${ids}-file-help`} className={`mt-1 text-xs ${muted}`}>
          A CSV export from your bank (OFX, QIF, CAMT and MT940 statements work too).
        </p>
      </div>
      <Problems messages={problems} />
      <button type="submit" disabled={fetching} className={primaryButton}>
        {fetching ? "Uploading…" : "Upload"}
      </button>
    </form>
  );
}

/** The 0-based column a proposed mapping names (by position, else by header), as a select's value. */
function columnValue(column: { header?: string | null; index?: number | null } | null | undefined, headers: string[]) {
  if (!column) return "";
  if (typeof column.index === "number") return String(column.index);
  const at = column.header == null ? -1 : headers.indexOf(column.header);
  return at < 0 ? "" : String(at);
}

function MappingStep({
  imported,
  onDryRun,
  onBack,
}: {
  imported: ImportFieldsFragment;
  onDryRun: (imported: ImportFieldsFragment) => void;
  onBack: () => void;
}) {
  const ids = useId();
  const csv = imported.csv;
  const headers = csv?.headers ?? [];
  const proposed = csv?.proposedMapping;
  const [{ fetching }, dryRun] = useMutation(ImportDryRunMutation);
  const [problems, setProblems] = useState<string[]>([]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const column = (name: string) => {
      const value = String(form.get(name) ?? "");
      return value === "" ? null : { index: Number.parseInt(value, 10) };
    };
    const date = column("date");
    const amount = column("amount");
    if (!date || !amount) {
      setProblems(["Say which columns hold the date and the amount."]);
      return;
    }
    const memo = column("memo");
    const mapping: ImportCsvMappingInput = {
      date,
      amount,
      payee: column("payee"),
      memo: memo ? [memo] : [],
      dateFormat: String(form.get("dateFormat") ?? "") || null,
      decimalSeparator: proposed?.decimalSeparator ?? csv?.decimalSeparator ?? null,
      hasHeader: csv?.headerLine != null,
      negate: form.get("negate") === "on",
    };
    setProblems([]);
    const result = await dryRun({ input: { importId: imported.id, settings: { mapping } } });
    const payload = result.data?.importDryRun;
    const found = problemsOf(result, payload?.errors);
    if (found.length || !payload?.import) {
      setProblems(found.length ? found : ["The server could not read the file with these columns."]);
      return;
    }
    if (payload.import.status === "READY") onDryRun(payload.import);
    else setProblems([payload.import.problem?.message ?? `The import is ${formatEnum(payload.import.status)}.`]);
  }

  if (!csv) {
    return (
      <div className="space-y-4">
        <Problems messages={[imported.problem?.message ?? `The import is ${formatEnum(imported.status)}.`]} />
        <button type="button" onClick={onBack} className={secondaryButton}>
          Choose another file
        </button>
      </div>
    );
  }

  const selects = [
    { name: "date", text: "Date", value: columnValue(proposed?.date, headers), optional: false },
    { name: "amount", text: "Amount", value: columnValue(proposed?.amount, headers), optional: false },
    { name: "payee", text: "Payee", value: columnValue(proposed?.payee, headers), optional: true },
    { name: "memo", text: "Memo", value: columnValue(proposed?.memo[0], headers), optional: true },
  ];
  return (
    <form onSubmit={submit} className="space-y-6" noValidate>
      <section aria-labelledby={`${ids}-columns`} className={`${card} space-y-4 p-5`}>
        <h2 id={`${ids}-columns`} className="text-lg font-semibold tracking-tight">
          Which column holds what
        </h2>
        {imported.problem && <Problems messages={[imported.problem.message]} />}
        {csv.problems.length > 0 && <Problems messages={csv.problems} />}
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {selects.map(({ name, text, value, optional }) => (
            <div key={name}>
              <label htmlFor={`${ids}-${name}`} className={label}>
                {text}
                {optional && <span className={`font-normal ${muted}`}> (optional)</span>}
              </label>
              <select id={`${ids}-${name}`} name={name} defaultValue={value} className={`${field} mt-1`}>
                <option value="">{optional ? "None" : "Choose a column"}</option>
                {headers.map((header, i) => (
                  <option key={i} value={String(i)}>
                    {header}
                  </option>
                ))}
              </select>
            </div>
          ))}
          <div>
            <label htmlFor={`${ids}-dateFormat`} className={label}>
              Date format
            </label>
            <select
              id={`${ids}-dateFormat`}
              name="dateFormat"
              defaultValue={proposed?.dateFormat ?? csv.dateFormats[0] ?? ""}
              className={`${field} mt-1`}
            >
              {csv.dateFormats.length === 0 && <option value="">Detect</option>}
              {csv.dateFormats.map((format) => (
                <option key={format} value={format}>
                  {format}
                </option>
              ))}
            </select>
          </div>
        </div>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="negate" defaultChecked={proposed?.negate ?? false} className="size-4" />
          Spending is positive in this file (flip the signs)
        </label>
      </section>
      <section aria-labelledby={`${ids}-preview`} className={`${card} overflow-x-auto`}>
        <h2 id={`${ids}-preview`} className="px-4 pt-4 text-lg font-semibold tracking-tight">
          The file’s first rows
        </h2>
        <table className="mt-2 w-full text-left text-sm">
          <thead className={tableHead}>
            <tr>
              <th scope="col" className="px-4 py-2 font-medium">
                Line
              </th>
              {headers.map((header, i) => (
                <th key={i} scope="col" className="px-4 py-2 font-medium">
                  {header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 font-mono dark:divide-slate-800">
            {csv.rows.map((row) => (
              <tr key={row.line}>
                <td className={`px-4 py-2 ${muted}`}>{row.line}</td>
                {row.cells.map((cell, i) => (
                  <td key={i} className="whitespace-nowrap px-4 py-2">
                    {cell}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <Problems messages={problems} />
      <div className="flex flex-wrap gap-3">
        <button type="button" onClick={onBack} className={secondaryButton}>
          Back
        </button>
        <button type="submit" disabled={fetching} className={primaryButton}>
          {fetching ? "Checking…" : "Dry run"}
        </button>
      </div>
    </form>
  );
}

const STATUS_BADGE: Record<string, string> = {
  NEW: "bg-emerald-50 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200",
  DUPLICATE: "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200",
  CONFLICT: "bg-amber-50 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
};

function ReviewStep({
  imported,
  onBack,
  onCommitted,
}: {
  imported: ImportFieldsFragment;
  onBack: () => void;
  onCommitted: () => void;
}) {
  const { locale } = useApp();
  const ids = useId();
  const [{ fetching }, commit] = useMutation(ImportCommitMutation);
  const [problems, setProblems] = useState<string[]>([]);
  const { counts } = imported;
  const rows = imported.rows.nodes;

  async function start() {
    setProblems([]);
    const result = await commit({ input: { importId: imported.id } });
    const payload = result.data?.importCommit;
    const found = problemsOf(result, payload?.errors);
    if (found.length || !payload?.import) setProblems(found.length ? found : ["The server did not start the import."]);
    else onCommitted();
  }

  return (
    <div className="space-y-6">
      <section aria-labelledby={`${ids}-summary`} className={`${card} p-5`}>
        <h2 id={`${ids}-summary`} className="text-lg font-semibold tracking-tight">
          Dry run{imported.filename ? `: ${imported.filename}` : ""}
        </h2>
        <p className={`mt-1 text-sm ${muted}`}>Nothing has been imported yet. This is what the import would do.</p>
        <dl className="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-4">
          {[
            ["Rows", counts.total],
            ["New", counts.new],
            ["Duplicate", counts.duplicate],
            ["Conflict", counts.conflict],
          ].map(([name, value]) => (
            <div key={name} className="rounded-xl bg-slate-50 p-3 dark:bg-slate-800">
              <dt className={`text-xs uppercase tracking-wide ${muted}`}>{name}</dt>
              <dd className="text-xl font-semibold tabular-nums">{value}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section aria-labelledby={`${ids}-rows`} className={`${card} overflow-x-auto`}>
        <h2 id={`${ids}-rows`} className="px-4 pt-4 text-lg font-semibold tracking-tight">
          Rows
        </h2>
        <table className="mt-2 w-full text-left text-sm">
          <thead className={tableHead}>
            <tr>
              <th scope="col" className="px-4 py-2 font-medium">
                Status
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Date
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Payee
              </th>
              <th scope="col" className="px-4 py-2 text-right font-medium">
                Amount
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
            {rows.map((row) => (
              <tr key={row.index} data-status={row.status}>
                <td className="px-4 py-2">
                  <span className={`rounded-full px-2 py-0.5 text-xs font-semibold ${STATUS_BADGE[row.status] ?? ""}`}>
                    {formatEnum(row.status)}
                  </span>
                  {row.reason !== "NO_MATCH" && (
                    <span className={`mt-0.5 block text-xs ${muted}`}>{formatEnum(row.reason)}</span>
                  )}
                </td>
                <td className="whitespace-nowrap px-4 py-2">
                  <time dateTime={row.date}>{formatDate(row.date, locale)}</time>
                </td>
                <th scope="row" className="px-4 py-2 font-medium">
                  {row.payee ?? row.memo ?? "—"}
                </th>
                <td
                  className={`whitespace-nowrap px-4 py-2 text-right font-mono tabular-nums ${
                    isNegative(row.amount) ? "text-red-700 dark:text-red-300" : ""
                  }`}
                >
                  {formatMoney(row.amount, locale)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {counts.total > rows.length && (
          <p className={`px-4 py-3 text-sm ${muted}`}>
            The first {REVIEW_ROWS} of {counts.total} rows are shown.
          </p>
        )}
      </section>
      <Problems messages={problems} />
      <div className="flex flex-wrap gap-3">
        <button type="button" onClick={onBack} className={secondaryButton}>
          Back
        </button>
        <button type="button" onClick={() => void start()} disabled={fetching} className={primaryButton}>
          {fetching ? "Starting…" : "Commit import"}
        </button>
      </div>
    </div>
  );
}

function CommitStep({ imported, onAnother }: { imported: ImportFieldsFragment; onAnother: () => void }) {
  const ids = useId();
  const refetch = useContext(RefetchContext);
  const [undoState, undo] = useMutation(ImportUndoMutation);
  const [settled, setSettled] = useState(false);
  const [{ data, error }] = useSubscription({
    query: ImportProgressSubscription,
    variables: { importId: imported.id },
    pause: settled,
  });
  const progress = data?.importProgress;
  const undone = undoState.data?.importUndo.import;
  const undoProblems = undoState.data ? problemsOf(undoState, undoState.data.importUndo.errors) : [];
  const status = undone?.status ?? progress?.status ?? "QUEUED";

  // Stop following once the server says the import is over; the lists showing the account reload.
  useEffect(() => {
    if (progress && SETTLED.has(progress.status) && !settled) {
      setSettled(true);
      refetch.emit();
    }
  }, [progress, settled, refetch]);

  const total = progress?.total ?? 0;
  const processed = progress?.processed ?? 0;
  const percent = total > 0 ? Math.round((processed / total) * 100) : status === "COMMITTED" ? 100 : 0;

  return (
    <section aria-labelledby={`${ids}-heading`} className={`${card} max-w-2xl space-y-4 p-5`}>
      <h2 id={`${ids}-heading`} className="text-lg font-semibold tracking-tight">
        {status === "COMMITTED" ? "Imported" : status === "UNDONE" ? "Import undone" : "Importing…"}
      </h2>
      <div>
        <div className="flex justify-between text-sm">
          <span id={`${ids}-status`}>
            {formatEnum(status)}
            {progress?.phase && status !== "UNDONE" ? ` · ${progress.phase}` : ""}
          </span>
          <span className={`tabular-nums ${muted}`}>
            {processed} / {total}
          </span>
        </div>
        <div
          role="progressbar"
          aria-labelledby={`${ids}-status`}
          aria-valuemin={0}
          aria-valuemax={total || 1}
          aria-valuenow={total ? processed : status === "COMMITTED" ? 1 : 0}
          className="mt-2 h-3 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
        >
          <div
            className="h-full rounded-full bg-emerald-600 transition-[width] dark:bg-emerald-500"
            style={{ width: `${percent}%` }}
          />
        </div>
      </div>
      <div aria-live="polite" className="space-y-2 text-sm">
        {progress?.message && <p>{progress.message}</p>}
        {error && <Problems messages={[describeError(error)]} />}
        {status === "COMMITTED" && progress && (
          <p>
            {progress.created ?? 0} created, {progress.linked ?? 0} linked, {progress.skipped ?? 0} skipped.
          </p>
        )}
        {undone && <p>{undone.counts.removed ?? 0} transactions removed.</p>}
        <Problems messages={undoProblems} />
      </div>
      <div className="flex flex-wrap gap-3">
        {SETTLED.has(status) && (
          <Link href={`/accounts/${imported.accountId}`} className={primaryButton}>
            Show the transactions
          </Link>
        )}
        {status === "COMMITTED" && !undone && (
          <button
            type="button"
            disabled={undoState.fetching}
            onClick={() => void undo({ input: { importId: imported.id } }).then(() => refetch.emit())}
            className={secondaryButton}
          >
            {undoState.fetching ? "Undoing…" : "Undo import"}
          </button>
        )}
        {SETTLED.has(status) && (
          <button type="button" onClick={onAnother} className={secondaryButton}>
            Import another file
          </button>
        )}
      </div>
    </section>
  );
}
