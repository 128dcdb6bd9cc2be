// Finding an account by what a person remembers of it: part of the display name, the
// username or the user id. The account filter and the quick switch both use it, so they
// agree on what matches. Matching ignores case and accents ("nunez" finds "Núñez"), and every
// word typed must be found somewhere ("ava gomez" finds "Ava Núñez-Gómez").
import type { AccountSummary } from "./api";

/** What a search looks at. */
type Searched = Pick<AccountSummary, "id" | "username" | "displayName">;

/** Latin letters that carry their stroke or ligature in the letter itself, so decomposing
 *  leaves them whole; people type them as plain letters ("soren" for "Søren"). */
const plainLetters: Record<string, string> = {
  ø: "o",
  æ: "ae",
  œ: "oe",
  ß: "ss",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
};

/**
 * Text folded for comparison: compatibility-decomposed (full-width "ａ" becomes "a"), marks
 * dropped (accents, the dakuten of kana would go too, which is fine for a search), lower case,
 * and the few Latin letters that do not decompose spelled plainly.
 */
export function fold(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[øæœßłđðþı]/g, (letter) => plainLetters[letter]);
}

/** What an account is searched by, folded once per accounts view rather than per keystroke. */
export type SearchKey = string;

export function searchKey(account: Searched): SearchKey {
  // A line break cannot be typed in the search box, so no word matches across two fields.
  return fold(`${account.displayName}\n${account.username}\n${account.id}`);
}

/** The words of a query, folded; a leading "@" is dropped, as usernames are shown with one. */
export function queryWords(query: string): string[] {
  return fold(query)
    .split(/\s+/)
    .map((word) => word.replace(/^@+/, ""))
    .filter((word) => word.length > 0);
}

export function matches(key: SearchKey, words: readonly string[]): boolean {
  return words.every((word) => key.includes(word));
}

/**
 * The accounts matching `query`, in the order given (the list's order: filtering never
 * reorders, so an account stays where the eye expects it). `keys[i]` is `searchKey(accounts[i])`.
 */
export function filterAccounts<T extends Searched>(accounts: readonly T[], keys: readonly SearchKey[], query: string): T[] {
  const words = queryWords(query);
  if (words.length === 0) return [...accounts];
  return accounts.filter((_, i) => matches(keys[i], words));
}
