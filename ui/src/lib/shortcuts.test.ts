import { describe, expect, it } from "vitest";
import { ariaShortcut, isMac, shortcutLabel, shortcutOf } from "./shortcuts";

type Keys = Parameters<typeof shortcutOf>[0];
const press = (key: string, code: string, over: Partial<Keys> = {}): Keys => ({
  key,
  code,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...over,
});

describe("account shortcuts", () => {
  it("reads Ctrl+K and Ctrl+1 … Ctrl+9 on Linux and Windows", () => {
    expect(shortcutOf(press("k", "KeyK", { ctrlKey: true }), false)).toEqual({ kind: "quick-switch" });
    expect(shortcutOf(press("1", "Digit1", { ctrlKey: true }), false)).toEqual({ kind: "account", index: 0 });
    expect(shortcutOf(press("9", "Digit9", { ctrlKey: true }), false)).toEqual({ kind: "account", index: 8 });
    expect(shortcutOf(press("3", "Numpad3", { ctrlKey: true }), false)).toEqual({ kind: "account", index: 2 });
  });

  it("reads ⌘ instead of Ctrl on macOS", () => {
    expect(shortcutOf(press("k", "KeyK", { metaKey: true }), true)).toEqual({ kind: "quick-switch" });
    expect(shortcutOf(press("2", "Digit2", { metaKey: true }), true)).toEqual({ kind: "account", index: 1 });
    expect(shortcutOf(press("k", "KeyK", { ctrlKey: true }), true)).toBeNull();
    expect(shortcutOf(press("k", "KeyK", { metaKey: true }), false)).toBeNull();
  });

  it("finds the digit by the key's place on a French keyboard", () => {
    // AZERTY: the key of 3 types a double quote without Shift.
    expect(shortcutOf(press('"', "Digit3", { ctrlKey: true }), false)).toEqual({ kind: "account", index: 2 });
  });

  it("finds K by its place on a layout without Latin letters, and by the letter elsewhere", () => {
    expect(shortcutOf(press("л", "KeyK", { ctrlKey: true }), false)).toEqual({ kind: "quick-switch" });
    // Dvorak: the letter K sits where QWERTY has V; the letter counts, not the place.
    expect(shortcutOf(press("k", "KeyV", { ctrlKey: true }), false)).toEqual({ kind: "quick-switch" });
    expect(shortcutOf(press("t", "KeyK", { ctrlKey: true }), false)).toBeNull();
  });

  it("ignores other keys and modifiers", () => {
    expect(shortcutOf(press("k", "KeyK"), false)).toBeNull();
    expect(shortcutOf(press("0", "Digit0", { ctrlKey: true }), false)).toBeNull();
    expect(shortcutOf(press("1", "Digit1", { ctrlKey: true, altKey: true }), false)).toBeNull();
    expect(shortcutOf(press("K", "KeyK", { ctrlKey: true, shiftKey: true }), false)).toBeNull();
    expect(shortcutOf(press("r", "KeyR", { ctrlKey: true }), false)).toBeNull();
  });

  it("names the keys for people and for screen readers", () => {
    expect(shortcutLabel("k", false)).toBe("Ctrl+K");
    expect(shortcutLabel("k", true)).toBe("⌘K");
    expect(ariaShortcut("3", false)).toBe("Control+3");
    expect(ariaShortcut("k", true)).toBe("Meta+K");
  });

  it("knows a Mac", () => {
    expect(isMac({ platform: "MacIntel", userAgent: "" })).toBe(true);
    expect(isMac({ platform: "Linux x86_64", userAgent: "Mozilla/5.0 (X11; Linux x86_64)" })).toBe(false);
    expect(isMac({ platform: "", userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0)" })).toBe(true);
    expect(isMac({ platform: "Win32", userAgent: "Mozilla/5.0 (Windows NT 10.0)" })).toBe(false);
  });
});
