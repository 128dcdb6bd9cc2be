import { describe, expect, it } from "vitest";
import { filterAccounts, fold, queryWords, searchKey } from "./accountSearch";
import { manyAccounts } from "../test/fixtures";

const accounts = manyAccounts(8).accounts;
const keys = accounts.map(searchKey);
const ids = (query: string) => filterAccounts(accounts, keys, query).map((a) => a.id);

describe("finding an account", () => {
  it("folds case, accents and full-width letters", () => {
    expect(fold("Núñez-GÓMEZ")).toBe("nunez-gomez");
    expect(fold("ＡＶＡ")).toBe("ava");
    expect(fold("Ömer Çelik")).toBe("omer celik");
    expect(fold("Søren Æbelø")).toBe("soren aebelo");
    expect(fold("Łukasz Straße")).toBe("lukasz strasse");
  });

  it("matches the display name, the username or the id, ignoring case and accents", () => {
    expect(ids("nunez")).toEqual(["1001"]);
    expect(ids("ZOE")).toEqual(["1004"]);
    expect(ids("hanako_")).toEqual(["1003"]);
    expect(ids("@dmitri")).toEqual(["1002"]);
    expect(ids("Дмитрий")).toEqual(["1002"]);
    expect(ids("山田")).toEqual(["1003"]);
    expect(ids("1006")).toEqual(["1006"]);
  });

  it("keeps the list's order and needs every word", () => {
    expect(ids("ava")).toEqual(["1001", "1005"]);
    expect(ids("ava gomez")).toEqual(["1001"]);
    expect(ids("ava zzz")).toEqual([]);
  });

  it("does not match across two fields", () => {
    // "…Gómez" then "ava.nunez": no word spans the line between them.
    expect(ids("gomezava")).toEqual([]);
  });

  it("shows everything for an empty or blank query", () => {
    expect(ids("")).toHaveLength(8);
    expect(ids("   ")).toHaveLength(8);
    expect(queryWords(" @ ")).toEqual([]);
  });
});
