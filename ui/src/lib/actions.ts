// Svelte actions shared by components.

const colour = /^#[0-9a-f]{6}$/i;

/**
 * Sets CSS custom properties on an element from script. The CSP forbids inline `style`
 * attributes, but styles set through the CSSOM are allowed, so dynamic colours (a profile's
 * accent, a brand colour) go through here. Values that are not `#rrggbb` are dropped.
 */
export function cssColours(node: HTMLElement, vars: Record<string, string | null | undefined>) {
  const apply = (next: Record<string, string | null | undefined>) => {
    for (const [name, value] of Object.entries(next)) {
      if (value && colour.test(value)) node.style.setProperty(name, value);
      else node.style.removeProperty(name);
    }
  };
  apply(vars);
  return { update: apply };
}

/**
 * Sets a CSS custom property to a count the stylesheet multiplies (how many rows a spacer
 * stands for, say), through the CSSOM like {@link cssColours}. Not a whole number: removed.
 */
export function cssCount(node: HTMLElement, [name, count]: [string, number]) {
  const apply = ([nextName, next]: [string, number]) => {
    if (Number.isInteger(next) && next >= 0) node.style.setProperty(nextName, String(next));
    else node.style.removeProperty(nextName);
  };
  apply([name, count]);
  return { update: apply };
}
