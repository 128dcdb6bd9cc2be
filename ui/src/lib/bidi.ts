// Text from Discord (names, tags, addresses) may hold bidi controls such as U+202E
// RIGHT-TO-LEFT OVERRIDE, or be written right to left. Where it is laid out as an element it
// goes in a <bdi> (or an element with dir="auto"); where it can only be a string (an
// aria-label, a tooltip) it is wrapped in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE, so
// it can never reorder the words around it.

/** `text` between U+2068 FIRST STRONG ISOLATE and U+2069 POP DIRECTIONAL ISOLATE. */
export function isolate(text: string): string {
  return `\u2068${text}\u2069`;
}

/**
 * A translated sentence split around its `{slot}` placeholder, so the value can be laid out
 * in its own isolating element: `["Log out of ", "?"]`. A sentence without the placeholder
 * comes back whole, with nothing after the slot.
 */
export function aroundSlot(sentence: string, slot: string): [string, string] {
  const marker = `{${slot}}`;
  const at = sentence.indexOf(marker);
  if (at < 0) return [sentence, ""];
  return [sentence.slice(0, at), sentence.slice(at + marker.length)];
}
