// What the connections list shows: filtering and sorting, kept apart from the markup so the
// rules are plain and testable.
import type { ConnectionView } from "./api";

export type ConnectionSort = "service" | "name";

export type ConnectionFilter = {
  text: string;
  verifiedOnly: boolean;
  publicOnly: boolean;
};

export const noFilter: ConnectionFilter = { text: "", verifiedOnly: false, publicOnly: false };

export function isFiltering(f: ConnectionFilter): boolean {
  return f.text.trim() !== "" || f.verifiedOnly || f.publicOnly;
}

export function visibleConnections(
  items: readonly ConnectionView[],
  filter: ConnectionFilter,
  sort: ConnectionSort,
  lang: string,
): ConnectionView[] {
  const needle = filter.text.trim().toLocaleLowerCase(lang);
  const collator = new Intl.Collator(lang, { sensitivity: "base", numeric: true });
  const kept = items.filter((c) => {
    if (filter.verifiedOnly && !c.verified) return false;
    if (filter.publicOnly && !c.public) return false;
    if (!needle) return true;
    return [c.service_name, c.display_name, c.type].some((s) => s.toLocaleLowerCase(lang).includes(needle));
  });
  const byService = (a: ConnectionView, b: ConnectionView) => collator.compare(a.service_name, b.service_name);
  const byName = (a: ConnectionView, b: ConnectionView) => collator.compare(a.display_name, b.display_name);
  return kept.sort((a, b) =>
    sort === "service" ? byService(a, b) || byName(a, b) : byName(a, b) || byService(a, b),
  );
}
