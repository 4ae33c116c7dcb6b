import type { CombinedError } from "urql";

import { describeError } from "@/lib/client";

/** A payload's typed errors (`ValidationError` and `NotFoundError` name the input field at fault). */
export type PayloadError = { __typename: string; message: string; field?: string };

/** Errors by the form field they belong to; "" holds those no field of the form shows. */
export type FieldErrors = Record<string, string>;

/**
 * Sorts a mutation's outcome into the form's fields: each typed error goes next to the field it names
 * (`splits.0.amount` goes to `splits`), anything else (and a transport error) to "".
 */
export function fieldErrors(
  fields: readonly string[],
  errors: readonly PayloadError[] | undefined,
  error: CombinedError | undefined,
): FieldErrors {
  const found: FieldErrors = {};
  const add = (key: string, message: string) => {
    found[key] = found[key] ? `${found[key]} ${message}` : message;
  };
  if (error) add("", describeError(error));
  for (const e of errors ?? []) {
    const key = fields.find((f) => e.field === f || e.field?.startsWith(`${f}.`) || e.field?.startsWith(`${f}[`));
    add(key ?? "", sentence(e.message));
  }
  return found;
}

/** "the parts sum to …" → "The parts sum to ….": the server's messages as sentences. */
export function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
