import { describe, expect, it } from "vitest";
import { keepUnchanged, listed } from "./reuse";
import { manyAccounts, switchedTo } from "../test/fixtures";

describe("keeping unchanged accounts", () => {
  it("keeps the objects of accounts that did not change, and takes the changed ones", () => {
    const before = manyAccounts(5);
    const after = switchedTo(before, "1003");
    const merged = keepUnchanged(before.accounts, after.accounts);
    expect(merged).toEqual(after.accounts);
    expect(merged[3]).toBe(before.accounts[3]);
    expect(merged[4]).toBe(before.accounts[4]);
    expect(merged[0]).toBe(after.accounts[0]);
    expect(merged[2]).toBe(after.accounts[2]);
    // 1002 was used after 1003, so it moved down a place in the recent-use order.
    expect(merged[1]).toBe(after.accounts[1]);
  });

  it("in the list, a switch changes only the two accounts whose active mark changed", () => {
    // The last account is the least recently used: a switch to it moves every other one down.
    const before = manyAccounts(100);
    const after = switchedTo(before, "1100");
    const kept = listed(before.accounts);
    const rows = keepUnchanged(kept, listed(after.accounts));
    expect(rows.filter((row, i) => row !== kept[i]).map((row) => row.id)).toEqual(["1001", "1100"]);
    expect(rows[99].active).toBe(true);
    expect(rows[0]).not.toHaveProperty("recentRank");
  });

  it("keeps the whole array when nothing changed", () => {
    const before = manyAccounts(5);
    const copy = before.accounts.map((a) => ({ ...a }));
    expect(keepUnchanged(before.accounts, copy)).toBe(before.accounts);
  });

  it("follows added, removed and reordered accounts", () => {
    const before = manyAccounts(4).accounts;
    const removed = before.slice(1).map((a) => ({ ...a }));
    expect(keepUnchanged(before, removed)).toEqual(removed);
    const reordered = [before[1], before[0], before[2], before[3]].map((a) => ({ ...a }));
    const merged = keepUnchanged(before, reordered);
    expect(merged.map((a) => a.id)).toEqual(["1002", "1001", "1003", "1004"]);
    expect(merged[0]).toBe(before[1]);
    const renamed = before.map((a) => ({ ...a }));
    renamed[2].displayName = "New name";
    expect(keepUnchanged(before, renamed)[2].displayName).toBe("New name");
  });
});

describe("comparing summaries", () => {
  it("compares every field, including ones it does not name", () => {
    const before = manyAccounts(2).accounts;
    const next = before.map((a) => ({ ...a, unseen: a.id === "1002" ? 3 : 0 }));
    const merged = keepUnchanged(before, next);
    expect(merged[1]).toBe(next[1]);
    expect(keepUnchanged(next, next.map((a) => ({ ...a })))).toBe(next);
  });
});
