// Small formatting helpers shared by the screens: times, language names, counts, initials.
import type { Lang } from "./i18n";

// Each Intl object opens ICU data when it is made, and a screen formats every server's counts
// and every change's time: one object per language and kind is made once, then reused.
const made = new Map<string, unknown>();
function once<T>(key: string, make: () => T): T {
  if (!made.has(key)) made.set(key, make());
  return made.get(key) as T;
}

/** A time of day for today's data, else a short date and time ("10:42", "3 Nov, 10:42"). */
export function formatWhen(iso: string, lang: Lang, now: Date = new Date()): string {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return iso;
  const sameDay = when.toDateString() === now.toDateString();
  const options: Intl.DateTimeFormatOptions = sameDay
    ? { hour: "2-digit", minute: "2-digit" }
    : { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" };
  return once(`date:${lang}:${sameDay}`, () => new Intl.DateTimeFormat(lang, options)).format(when);
}

/** A Discord locale ("en-US", "fr") as a language name in the window's language. */
export function languageName(locale: string, lang: Lang): string {
  try {
    return once(`language:${lang}`, () => new Intl.DisplayNames([lang], { type: "language" })).of(locale) ?? locale;
  } catch {
    // Older engines lack DisplayNames, and an odd tag makes it throw: show the tag itself.
    return locale;
  }
}

export function formatCount(n: number, lang: Lang): string {
  return once(`number:${lang}`, () => new Intl.NumberFormat(lang)).format(n);
}

/** Whether a count takes the singular form ("1 member"; French also says "0 membre"). */
export function isSingular(n: number, lang: Lang): boolean {
  return once(`plural:${lang}`, () => new Intl.PluralRules(lang)).select(n) === "one";
}

/**
 * Up to two initials for a picture-less server or account ("Rust Lang" → "RL"): the first
 * letter, digit or emoji of the first two words that have one, so bidi controls (U+202E) and
 * punctuation ("<script> & friends" → "SF") in a name from Discord never become an initial.
 */
export function initials(name: string): string {
  const letters = name
    .split(/\s+/)
    .map((w) => w.match(/[\p{L}\p{N}\p{Extended_Pictographic}]/u)?.[0])
    .filter((l): l is string => !!l);
  return letters.slice(0, 2).join("").toUpperCase() || "?";
}
