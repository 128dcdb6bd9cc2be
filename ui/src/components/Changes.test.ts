import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, waitFor } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import Changes from "./Changes.svelte";
import { translator } from "../lib/i18n";
import { describeChange } from "../lib/changeText";
import { callsTo, mockBackend } from "../test/backend";
import type { AccountsView, ChangeView, ChangesView } from "../lib/api";

afterEach(() => {
  cleanup();
  clearMocks();
});

function change(overrides: Partial<ChangeView> = {}): ChangeView {
  return {
    at: "2026-12-06T04:00:00Z",
    kind: "connection_revoked",
    service: "Twitch",
    serviceKey: "twitch",
    subject: "ava_live",
    from: null,
    to: null,
    link: "https://www.twitch.tv/ava_live",
    attention: true,
    unseen: true,
    ...overrides,
  };
}

const history: ChangesView = {
  account: "1001",
  unseen: 1,
  changes: [
    change(),
    change({ at: "2026-12-05T10:00:00Z", kind: "guild_left", service: null, serviceKey: null, subject: "Old place", link: null, attention: false, unseen: false }),
  ],
};

describe("what changed", () => {
  it("lists the changes newest first, the unseen ones marked, each with its time and link", async () => {
    mockBackend({ account_changes: () => history });
    const { container } = render(Changes, { account: "1001", unseen: 1, t: translator("en"), lang: "en", onseen: () => {} });
    await waitFor(() => expect(container.querySelectorAll("#changes-list li")).toHaveLength(2));
    const [revoked, left] = container.querySelectorAll("#changes-list li");
    expect(revoked.getAttribute("data-unseen")).toBe("true");
    expect(revoked.textContent).toContain("Twitch revoked the link to \u2068ava_live\u2069");
    expect(revoked.querySelector("time")?.getAttribute("datetime")).toBe("2026-12-06T04:00:00Z");
    expect(revoked.querySelector("button.open")).not.toBeNull();
    expect(left.getAttribute("data-unseen")).toBe("false");
    expect(left.querySelector("button.open")).toBeNull();
    expect(container.querySelector("#changes-unseen")?.textContent).toBe("1 new");
  });

  it("marks them seen and hands the new accounts view up", async () => {
    const after = { revision: 9, accounts: [], active: null } satisfies AccountsView;
    const calls = mockBackend({ account_changes: () => history, mark_changes_seen: () => after });
    let seen: AccountsView | null = null;
    const { container } = render(Changes, { account: "1001", unseen: 1, t: translator("fr"), lang: "fr", onseen: (v: AccountsView) => (seen = v) });
    const button = await waitFor(() => {
      const found = container.querySelector<HTMLButtonElement>("#changes-mark-seen");
      expect(found).not.toBeNull();
      return found!;
    });
    expect(button.textContent?.trim()).toBe("Marquer comme vu");
    await fireEvent.click(button);
    await waitFor(() => expect(seen).toEqual(after));
    expect(callsTo(calls, "mark_changes_seen")).toEqual([{ id: "1001" }]);
  });

  it("keeps the keyboard focus in the card when Mark as seen goes away", async () => {
    let unseen = 1;
    const seenHistory = { ...history, unseen: 0, changes: history.changes.map((c) => ({ ...c, unseen: false })) };
    const after = { revision: 9, accounts: [], active: null } satisfies AccountsView;
    mockBackend({
      account_changes: () => (unseen > 0 ? history : seenHistory),
      mark_changes_seen: () => {
        unseen = 0;
        return after;
      },
    });
    const props = { account: "1001", unseen: 1, t: translator("en"), lang: "en" as const, onseen: () => {} };
    const { container, rerender } = render(Changes, props);
    const button = await waitFor(() => {
      const found = container.querySelector<HTMLButtonElement>("#changes-mark-seen");
      expect(found).not.toBeNull();
      return found!;
    });
    button.focus();
    await fireEvent.click(button);
    // The parent hands down the new count, as App does with the accounts view.
    await rerender({ ...props, unseen: 0 });
    await waitFor(() => expect(container.querySelector("#changes-mark-seen")).toBeNull());
    expect(document.activeElement?.id).toBe("changes-title");
  });

  it("says so when nothing changed", async () => {
    mockBackend({ account_changes: () => ({ account: "1001", unseen: 0, changes: [] }) });
    const { container } = render(Changes, { account: "1001", unseen: 0, t: translator("en"), lang: "en", onseen: () => {} });
    await waitFor(() => expect(container.querySelector('[data-empty="none"]')).not.toBeNull());
    expect(container.querySelector("#changes-mark-seen")).toBeNull();
  });

  it("words every kind in both languages, and one it does not know", () => {
    const kinds = [
      "connection_added", "connection_removed", "connection_revoked", "connection_restored",
      "connection_verified", "connection_unverified", "connection_visibility_changed",
      "guild_joined", "guild_left", "guild_ownership_gained", "guild_ownership_lost",
      "display_name_changed", "username_changed", "avatar_changed", "email_changed",
      "needs_sign_in", "sign_in_restored",
    ];
    for (const lang of ["en", "fr"] as const) {
      const t = translator(lang);
      for (const kind of kinds) {
        const text = describeChange(change({ kind, from: "private", to: "public" }), t);
        expect(text, kind).not.toMatch(/\{\w+\}/);
      }
      expect(describeChange(change({ kind: "something_new" }), t)).toContain("something_new");
    }
    const t = translator("en");
    expect(describeChange(change({ kind: "connection_visibility_changed", to: "public" }), t)).toContain("shown on the profile");
    expect(describeChange(change({ kind: "email_changed", from: null, to: "a@b.c" }), t)).toBe(
      "Email changed from nothing to \u2068a@b.c\u2069",
    );
  });
});
