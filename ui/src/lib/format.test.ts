import { describe, expect, it } from "vitest";
import { formatCount, formatWhen, initials, isSingular, languageName } from "./format";

describe("format", () => {
  const now = new Date(2026, 10, 25, 18, 0);

  it("gives the time alone for today's data, and the date too for older data", () => {
    const today = new Date(2026, 10, 25, 10, 42).toISOString();
    const older = new Date(2026, 10, 3, 10, 42).toISOString();
    expect(formatWhen(today, "fr", now)).toBe("10:42");
    expect(formatWhen(older, "fr", now)).toMatch(/^3 nov.*10:42$/);
    expect(formatWhen("not a date", "en", now)).toBe("not a date");
  });

  it("names Discord locales in the window's language, and keeps odd tags as they are", () => {
    expect(languageName("pt-BR", "en")).toBe("Brazilian Portuguese");
    expect(languageName("de", "fr")).toBe("allemand");
    expect(languageName("!!", "en")).toBe("!!");
  });

  it("counts singular and plural the way each language does", () => {
    expect(isSingular(1, "en")).toBe(true);
    expect(isSingular(0, "en")).toBe(false);
    expect(isSingular(0, "fr")).toBe(true);
  });

  it("groups the digits of a count the way the window's language does, whichever came first", () => {
    expect(formatCount(1234567, "en")).toBe("1,234,567");
    expect(formatCount(1234567, "fr")).toBe("1\u202f234\u202f567");
    expect(formatCount(1234, "en")).toBe("1,234");
  });

  it("makes initials from a name", () => {
    expect(initials("Rust Lang")).toBe("RL");
    expect(initials("  svelte  ")).toBe("S");
    expect(initials("Ünïcode Øne Two")).toBe("ÜØ");
    expect(initials("")).toBe("?");
    // Bidi controls and symbols are not letters: the override in front of a name is skipped.
    expect(initials("\u202eMallory \u2068Zed\u2069")).toBe("MZ");
    expect(initials("<script> & friends")).toBe("SF");
    expect(initials("🦀")).toBe("🦀");
  });
});
