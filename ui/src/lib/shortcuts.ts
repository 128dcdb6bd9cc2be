// The window's account shortcuts: Ctrl+K (⌘K on macOS) opens the quick switch, Ctrl+1 … Ctrl+9
// (⌘1 … ⌘9) switch to the first nine accounts of the list. They work while the window has
// focus; no system-wide shortcut is registered. This file only reads key events and names the
// keys; what a shortcut does is up to the accounts screen.

/** How many accounts have a number shortcut. */
export const NUMBERED = 9;

export type Shortcut = { kind: "quick-switch" } | { kind: "account"; index: number };

/** Whether the window runs on macOS, where the Command key plays the part of Ctrl. */
export function isMac(nav: { platform?: string; userAgent: string }): boolean {
  return /Mac|iPhone|iPad/.test(nav.platform || nav.userAgent);
}

type Keys = Pick<KeyboardEvent, "key" | "code" | "ctrlKey" | "metaKey" | "altKey" | "shiftKey">;

/** The shortcut `event` asks for, or null. */
export function shortcutOf(event: Keys, mac: boolean): Shortcut | null {
  // Exactly the platform's modifier: Ctrl+Alt is AltGr on many layouts, and ⌃ on a Mac or the
  // Super key on Linux mean something else to the system.
  const modifier = mac ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
  if (!modifier || event.altKey || event.shiftKey) return null;
  if (isKey(event, "k")) return { kind: "quick-switch" };
  const digit = digitOf(event);
  if (digit !== null && digit >= 1 && digit <= NUMBERED) return { kind: "account", index: digit - 1 };
  return null;
}

/** The letter as typed on a Latin layout; on another layout (Cyrillic, say) the key's place. */
function isKey(event: Keys, letter: string): boolean {
  const key = event.key.toLowerCase();
  if (/^[a-z]$/.test(key)) return key === letter;
  return event.code === `Key${letter.toUpperCase()}`;
}

/**
 * The digit of a number key. On a French AZERTY keyboard the top row gives "&", "é", … without
 * Shift, so the key's place (`Digit1`) counts as well as what it types; the keypad counts too.
 */
function digitOf(event: Keys): number | null {
  if (/^[0-9]$/.test(event.key)) return Number(event.key);
  const place = /^(?:Digit|Numpad)([0-9])$/.exec(event.code);
  return place ? Number(place[1]) : null;
}

/** A shortcut as people read it: "Ctrl+K", or "⌘K" on macOS. */
export function shortcutLabel(key: string, mac: boolean): string {
  return mac ? `⌘${key.toUpperCase()}` : `Ctrl+${key.toUpperCase()}`;
}

/** A shortcut as `aria-keyshortcuts` wants it: "Control+K", or "Meta+K" on macOS. */
export function ariaShortcut(key: string, mac: boolean): string {
  return `${mac ? "Meta" : "Control"}+${key.toUpperCase()}`;
}
