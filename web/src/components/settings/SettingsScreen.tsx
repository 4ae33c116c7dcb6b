"use client";

import { useCallback, useEffect, useId, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";

import { card, errorText, field, focusRing, label, muted, primaryButton, secondaryButton, tableHead } from "@/components/ui";
import { formatDateTime } from "@/lib/alerts";
import { useApp } from "@/lib/app-context";
import { describeError } from "@/lib/client";
import { formatEnum } from "@/lib/format";
import { NotificationSettingsQuery, NotificationSettingsUpdateMutation } from "@/lib/notification-operations";
import {
  ApiKeyCreateMutation,
  ApiKeyRevokeMutation,
  ApiKeysQuery,
  HouseholdCurrencyQuery,
  HouseholdCurrencyUpdateMutation,
  HouseholdMembersQuery,
  InvitationCreateMutation,
  LogoutEverywhereMutation,
  MemberRemoveMutation,
  MemberRoleChangeMutation,
} from "@/lib/settings-operations";
import { THEMES, chooseTheme, storedTheme, type Theme } from "@/lib/theme";

const section = `${card} p-4 sm:p-6 space-y-4`;
const ROLES = ["OWNER", "EDITOR", "VIEWER"] as const;
type Role = (typeof ROLES)[number];

function messageOf(result: { error?: Parameters<typeof describeError>[0] }, errors: { message: string }[] | undefined) {
  if (result.error) return describeError(result.error);
  return errors?.length ? errors.map((e) => e.message).join(" ") : null;
}

function Feedback({ message }: { message: { error: boolean; text: string } | null }) {
  if (!message) return null;
  return (
    <p role={message.error ? "alert" : "status"} className={message.error ? errorText : `text-sm ${muted}`}>
      {message.text}
    </p>
  );
}

/** /settings: appearance and language, the household (base currency, members), API keys and sessions. */
export function SettingsScreen() {
  const { householdId, viewer } = useApp();
  const household = viewer.households.find((h) => h.id === householdId);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Settings</h1>
        {household && <p className={`mt-1 text-sm ${muted}`}>{household.name}</p>}
      </div>
      <Appearance />
      {householdId && <BaseCurrency householdId={householdId} />}
      {householdId && <Members householdId={householdId} />}
      {householdId && <ApiKeys householdId={householdId} />}
      <Sessions />
    </div>
  );
}

function Appearance() {
  const ids = useId();
  const [theme, setTheme] = useState<Theme>("system");
  useEffect(() => setTheme(storedTheme()), []);
  const [{ data }] = useQuery({ query: NotificationSettingsQuery });
  return (
    <section aria-labelledby={`${ids}-h`} className={section}>
      <h2 id={`${ids}-h`} className="text-lg font-semibold">
        Appearance and language
      </h2>
      <fieldset>
        <legend className={label}>Theme</legend>
        <div className="mt-2 flex flex-wrap gap-2">
          {THEMES.map((t) => (
            <label
              key={t}
              className="flex cursor-pointer items-center gap-2 rounded-lg border border-slate-300 px-3 py-1.5 text-sm has-checked:border-emerald-600 dark:border-slate-600"
            >
              <input
                type="radio"
                name={`${ids}-theme`}
                value={t}
                checked={theme === t}
                onChange={() => {
                  setTheme(t);
                  chooseTheme(t);
                }}
              />
              {t === "system" ? "System" : t === "light" ? "Light" : "Dark"}
            </label>
          ))}
        </div>
        <p className={`mt-1 text-xs ${muted}`}>Kept in this browser.</p>
      </fieldset>
      {data && <LocaleForm key={data.notificationSettings.locale} locale={data.notificationSettings.locale} />}
    </section>
  );
}

const LOCALES = ["en-US", "en-GB", "de-DE", "de-CH", "fr-FR", "es-ES", "it-IT", "nl-NL", "pt-BR", "en-IN", "ja-JP"];

function LocaleForm({ locale: initial }: { locale: string }) {
  const ids = useId();
  const [locale, setLocale] = useState(initial);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [{ fetching }, update] = useMutation(NotificationSettingsUpdateMutation);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await update({ input: { locale: locale.trim() } });
    const problem = messageOf(result, result.data?.notificationSettingsUpdate.errors);
    setMessage(problem ? { error: true, text: problem } : { error: false, text: "Saved" });
  };
  return (
    <form onSubmit={(e) => void submit(e)} className="space-y-2">
      <label htmlFor={`${ids}-locale`} className={label}>
        Locale of notifications
      </label>
      <div className="flex flex-wrap gap-2">
        <input
          id={`${ids}-locale`}
          list={`${ids}-locales`}
          required
          value={locale}
          onChange={(e) => setLocale(e.target.value)}
          className={`${field} max-w-48`}
        />
        <datalist id={`${ids}-locales`}>
          {LOCALES.map((l) => (
            <option key={l} value={l} />
          ))}
        </datalist>
        <button type="submit" className={secondaryButton} disabled={fetching}>
          Save locale
        </button>
      </div>
      <p className={`text-xs ${muted}`}>
        Amounts and dates in emails, Telegram messages and the inbox. The app itself follows your browser&apos;s language.
      </p>
      <Feedback message={message} />
    </form>
  );
}

function BaseCurrency({ householdId }: { householdId: string }) {
  const [{ data }] = useQuery({ query: HouseholdCurrencyQuery, variables: { householdId } });
  const current = data?.budgetSettings?.currency;
  if (!current) return null;
  return <BaseCurrencyForm key={`${householdId}:${current}`} householdId={householdId} current={current} />;
}

function BaseCurrencyForm({ householdId, current }: { householdId: string; current: string }) {
  const ids = useId();
  const [currency, setCurrency] = useState(current);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [{ fetching }, update] = useMutation(HouseholdCurrencyUpdateMutation);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await update({ input: { householdId, baseCurrency: currency.trim().toUpperCase() } });
    const problem = messageOf(result, result.data?.budgetSettingsUpdate.errors);
    setMessage(problem ? { error: true, text: problem } : { error: false, text: "Saved" });
  };
  return (
    <section aria-labelledby={`${ids}-h`} className={section}>
      <h2 id={`${ids}-h`} className="text-lg font-semibold">
        Household
      </h2>
      <form onSubmit={(e) => void submit(e)} className="space-y-2">
        <label htmlFor={`${ids}-currency`} className={label}>
          Base currency
        </label>
        <div className="flex flex-wrap gap-2">
          <input
            id={`${ids}-currency`}
            required
            pattern="[A-Za-z]{3}"
            maxLength={3}
            value={currency}
            onChange={(e) => setCurrency(e.target.value)}
            className={`${field} max-w-28 uppercase`}
          />
          <button type="submit" className={secondaryButton} disabled={fetching || currency.toUpperCase() === current}>
            Save currency
          </button>
        </div>
        <p className={`text-xs ${muted}`}>
          Budgets, reports and converted balances are in it. Owners only; not while budgets hold amounts.
        </p>
        <Feedback message={message} />
      </form>
    </section>
  );
}

function Members({ householdId }: { householdId: string }) {
  const ids = useId();
  const { viewer, locale } = useApp();
  const [{ data, error }, refetch] = useQuery({ query: HouseholdMembersQuery, requestPolicy: "cache-and-network" });
  const reload = useCallback(() => refetch({ requestPolicy: "network-only" }), [refetch]);
  const household = data?.me?.households.find((h) => h.id === householdId);
  const isOwner = household?.role?.toLowerCase() === "owner";
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [, changeRole] = useMutation(MemberRoleChangeMutation);
  const [, removeMember] = useMutation(MemberRemoveMutation);
  const [inviting, invite] = useMutation(InvitationCreateMutation);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("EDITOR");

  const report = (problem: string | null, ok: string) => setMessage(problem ? { error: true, text: problem } : { error: false, text: ok });
  const onRole = async (userId: string, newRole: Role) => {
    const result = await changeRole({ input: { householdId, userId, role: newRole } });
    report(messageOf(result, result.data?.memberRoleChange.errors), "Role changed");
    reload();
  };
  const onRemove = async (userId: string, name: string) => {
    const self = userId === viewer.id;
    if (!window.confirm(self ? "Leave this household?" : `Remove ${name} from the household?`)) return;
    const result = await removeMember({ input: { householdId, userId } });
    report(messageOf(result, result.data?.memberRemove.errors), self ? "You left the household" : "Removed");
    reload();
  };
  const onInvite = async (event: FormEvent) => {
    event.preventDefault();
    const result = await invite({ input: { householdId, email: email.trim(), role } });
    const problem = messageOf(result, result.data?.invitationCreate.errors);
    report(problem, `Invitation sent to ${email.trim()}`);
    if (!problem) setEmail("");
  };

  return (
    <section aria-labelledby={`${ids}-h`} className={section}>
      <h2 id={`${ids}-h`} className="text-lg font-semibold">
        Members
      </h2>
      {error && !data && (
        <p role="alert" className={errorText}>
          {describeError(error)}
        </p>
      )}
      <ul className="divide-y divide-slate-200 dark:divide-slate-800">
        {household?.members.map((m) => (
          <li key={m.user.id} className="flex flex-col gap-2 py-3 sm:flex-row sm:items-center sm:justify-between">
            <div className="min-w-0">
              <p className="font-medium">
                {m.user.name}
                {m.user.id === viewer.id && <span className={`font-normal ${muted}`}> (you)</span>}
              </p>
              <p className={`break-all text-sm ${muted}`}>
                {m.user.email} · joined {formatDateTime(m.joinedAt, locale)}
              </p>
            </div>
            <div className="flex flex-wrap items-center gap-2">
              {isOwner && m.user.id !== viewer.id ? (
                <select
                  aria-label={`Role of ${m.user.name}`}
                  value={m.role.toUpperCase()}
                  onChange={(e) => void onRole(m.user.id, e.target.value as Role)}
                  className={`${field} w-auto`}
                >
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {formatEnum(r)}
                    </option>
                  ))}
                </select>
              ) : (
                <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs dark:bg-slate-800">{formatEnum(m.role.toUpperCase())}</span>
              )}
              {(isOwner || m.user.id === viewer.id) && (
                <button type="button" className={secondaryButton} onClick={() => void onRemove(m.user.id, m.user.name)}>
                  {m.user.id === viewer.id ? "Leave" : "Remove"}
                  <span className="sr-only"> {m.user.name}</span>
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
      <Feedback message={message} />
      {isOwner && (
        <form onSubmit={(e) => void onInvite(e)} className="grid gap-2 sm:grid-cols-[1fr_auto_auto] sm:items-end">
          <div>
            <label htmlFor={`${ids}-invite`} className={label}>
              Invite by email
            </label>
            <input
              id={`${ids}-invite`}
              type="email"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              className={`mt-1 ${field}`}
            />
          </div>
          <div>
            <label htmlFor={`${ids}-invite-role`} className={label}>
              As
            </label>
            <select
              id={`${ids}-invite-role`}
              value={role}
              onChange={(e) => setRole(e.target.value as Role)}
              className={`mt-1 ${field}`}
            >
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {formatEnum(r)}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className={primaryButton} disabled={inviting.fetching}>
            Send invitation
          </button>
        </form>
      )}
    </section>
  );
}

function ApiKeys({ householdId }: { householdId: string }) {
  const ids = useId();
  const { locale } = useApp();
  const [{ data, error }, refetch] = useQuery({
    query: ApiKeysQuery,
    variables: { householdId },
    requestPolicy: "cache-and-network",
  });
  const reload = useCallback(() => refetch({ requestPolicy: "network-only" }), [refetch]);
  const [name, setName] = useState("");
  const [scope, setScope] = useState<"READ" | "WRITE">("READ");
  const [secret, setSecret] = useState<string | null>(null);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [creating, create] = useMutation(ApiKeyCreateMutation);
  const [revoking, revoke] = useMutation(ApiKeyRevokeMutation);

  const onCreate = async (event: FormEvent) => {
    event.preventDefault();
    setSecret(null);
    const result = await create({ input: { householdId, name: name.trim(), scope } });
    const problem = messageOf(result, result.data?.apiKeyCreate.errors);
    if (problem) return setMessage({ error: true, text: problem });
    setMessage(null);
    setSecret(result.data?.apiKeyCreate.secret ?? null);
    setName("");
    reload();
  };
  const onRevoke = async (id: string, keyName: string) => {
    if (!window.confirm(`Revoke the key “${keyName}”? Scripts using it stop working.`)) return;
    const result = await revoke({ input: { id } });
    const problem = messageOf(result, result.data?.apiKeyRevoke.errors);
    setMessage(problem ? { error: true, text: problem } : { error: false, text: `Revoked “${keyName}”` });
    reload();
  };
  const keys = data?.apiKeys.nodes ?? [];

  return (
    <section aria-labelledby={`${ids}-h`} className={section}>
      <h2 id={`${ids}-h`} className="text-lg font-semibold">
        API keys
      </h2>
      <form onSubmit={(e) => void onCreate(e)} className="grid gap-2 sm:grid-cols-[1fr_auto_auto] sm:items-end">
        <div>
          <label htmlFor={`${ids}-name`} className={label}>
            Key name
          </label>
          <input
            id={`${ids}-name`}
            required
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.target.value)}
            className={`mt-1 ${field}`}
          />
        </div>
        <div>
          <label htmlFor={`${ids}-scope`} className={label}>
            Access
          </label>
          <select
            id={`${ids}-scope`}
            value={scope}
            onChange={(e) => setScope(e.target.value as "READ" | "WRITE")}
            className={`mt-1 ${field}`}
          >
            <option value="READ">Read only</option>
            <option value="WRITE">Read and write</option>
          </select>
        </div>
        <button type="submit" className={primaryButton} disabled={creating.fetching}>
          Create key
        </button>
      </form>
      {secret && (
        <div role="status" className="space-y-1 rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950">
          <p className="font-medium">The new key, shown only now. Send it as “Authorization: Bearer &lt;key&gt;”.</p>
          <code data-testid="api-key-secret" className="block break-all rounded bg-white px-2 py-1 font-mono text-xs dark:bg-slate-900">
            {secret}
          </code>
        </div>
      )}
      <Feedback message={message} />
      {error && !data && (
        <p role="alert" className={errorText}>
          {describeError(error)}
        </p>
      )}
      {keys.length === 0 ? (
        <p className={`text-sm ${muted}`}>No API keys.</p>
      ) : (
        // `relative`: the sr-only header stays inside the scrolling region instead of widening the page on phones.
        <div className={`relative overflow-x-auto rounded ${focusRing}`} role="region" aria-label="API keys" tabIndex={0}>
          <table className="w-full text-left text-sm">
            <thead className={tableHead}>
              <tr>
                <th className="py-2 pr-3 font-medium">Name</th>
                <th className="py-2 pr-3 font-medium">Key</th>
                <th className="py-2 pr-3 font-medium">Access</th>
                <th className="py-2 pr-3 font-medium">Created</th>
                <th className="py-2 pr-3 font-medium">Last used</th>
                <th className="py-2 font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {keys.map((k) => (
                <tr key={k.id}>
                  <td className="py-2 pr-3 font-medium">{k.name}</td>
                  <td className="py-2 pr-3 font-mono text-xs">{k.prefix}…</td>
                  <td className="py-2 pr-3">{k.scope === "WRITE" ? "Read and write" : "Read only"}</td>
                  <td className="py-2 pr-3 whitespace-nowrap">{formatDateTime(k.createdAt, locale)}</td>
                  <td className="py-2 pr-3 whitespace-nowrap">{k.lastUsedAt ? formatDateTime(k.lastUsedAt, locale) : "Never"}</td>
                  <td className="py-2 whitespace-nowrap">
                    {k.revokedAt ? (
                      <span className={`text-xs ${muted}`}>Revoked {formatDateTime(k.revokedAt, locale)}</span>
                    ) : (
                      <button
                        type="button"
                        className={secondaryButton}
                        disabled={revoking.fetching}
                        onClick={() => void onRevoke(k.id, k.name)}
                      >
                        Revoke<span className="sr-only"> {k.name}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Sessions() {
  const ids = useId();
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [{ fetching }, logoutEverywhere] = useMutation(LogoutEverywhereMutation);
  const onClick = async () => {
    if (!window.confirm("Sign out on every device, this one included?")) return;
    const result = await logoutEverywhere({});
    const problem = messageOf(result, result.data?.logout.errors);
    if (problem) return setMessage({ error: true, text: problem });
    window.location.assign("/");
  };
  return (
    <section aria-labelledby={`${ids}-h`} className={section}>
      <h2 id={`${ids}-h`} className="text-lg font-semibold">
        Sessions
      </h2>
      <p className={`text-sm ${muted}`}>
        Lost a phone, or signed in on a shared computer? End every session at once; each device has to sign in again.
      </p>
      <button type="button" className={secondaryButton} disabled={fetching} onClick={() => void onClick()}>
        Sign out everywhere
      </button>
      <Feedback message={message} />
    </section>
  );
}
