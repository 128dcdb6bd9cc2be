// Each accounts view from the backend is a new object graph, even when only the active
// account changed. Handing the list new objects for unchanged accounts makes every row of a
// keyed list re-run its template on a switch; keeping the previous object for an account
// whose summary did not change lets those rows stand still, so a switch with a hundred
// accounts updates two rows, not a hundred.
import type { AccountSummary } from "./api";

/** An account as the list on the left shows it. The list is in the order accounts were
 *  added and never shows the recent-use rank, which a switch changes for many accounts at
 *  once (every account used after the one switched to moves down a place). */
export type ListedAccount = Omit<AccountSummary, "recentRank">;

export function listed(accounts: readonly AccountSummary[]): ListedAccount[] {
  return accounts.map(({ recentRank, ...shown }) => shown);
}

/** Field by field; a field added to the summary later is compared too, and one holding an
 *  object (never equal here) only costs the reuse, never shows a stale value. */
function same<T extends object>(a: T, b: T): boolean {
  const fields = Object.keys(b) as (keyof T)[];
  return fields.length === Object.keys(a).length && fields.every((field) => a[field] === b[field]);
}

/**
 * `next`, with each account that equals its entry in `previous` replaced by that entry; the
 * `previous` array itself when nothing changed at all (same accounts, same order).
 */
export function keepUnchanged<T extends { id: string }>(previous: readonly T[], next: T[]): T[] {
  const before = new Map(previous.map((a) => [a.id, a]));
  let changed = previous.length !== next.length;
  const merged = next.map((account, i) => {
    const old = before.get(account.id);
    if (old && same(old, account)) {
      if (previous[i] !== old) changed = true;
      return old;
    }
    changed = true;
    return account;
  });
  return changed ? merged : (previous as T[]);
}
