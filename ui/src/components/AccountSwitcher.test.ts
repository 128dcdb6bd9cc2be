import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, waitFor } from "@testing-library/svelte";
import { translator } from "../lib/i18n";
import type { ListedAccount } from "../lib/reuse";
import AccountSwitcher from "./AccountSwitcher.svelte";

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function accounts(active: number, count = 8): ListedAccount[] {
  return Array.from({ length: count }, (_, i) => ({
    id: String(1000 + i),
    username: `user${i}`,
    displayName: `User ${i}`,
    avatarUrl: null,
    status: "ok",
    active: i === active,
    unseenChanges: 0,
  }));
}

describe("the account list", () => {
  it("scrolls the active account's row into view when another account becomes active or a filter is cleared", async () => {
    // jsdom has no layout: record which rows were asked to come into view.
    const scrolled: string[] = [];
    const scroll = vi.fn(function (this: HTMLElement) {
      scrolled.push(this.querySelector("button")?.getAttribute("data-account-id") ?? "");
    });
    Object.defineProperty(HTMLElement.prototype, "scrollIntoView", { value: scroll, configurable: true });
    const props = { accounts: accounts(0), switching: null, activeDataTime: null, t: translator("en"), onswitch: () => {}, onsignin: () => {} };
    const { container, rerender } = render(AccountSwitcher, props);
    expect(scrolled).toEqual(["1000"]);
    // A sign-in made the last account active, far down a list that scrolls.
    await rerender({ ...props, accounts: accounts(7) });
    expect(scrolled).toEqual(["1000", "1007"]);
    expect(scroll).toHaveBeenLastCalledWith({ block: "nearest" });
    // A view with the same active account does not move the list.
    await rerender({ ...props, accounts: accounts(7) });
    expect(scrolled).toEqual(["1000", "1007"]);
    // Filtering and clearing the filter brings the active row back into view.
    const filter = container.querySelector<HTMLInputElement>("#account-filter")!;
    await fireEvent.input(filter, { target: { value: "User 3" } });
    await fireEvent.input(filter, { target: { value: "" } });
    expect(scrolled).toEqual(["1000", "1007", "1007"]);
    delete (HTMLElement.prototype as { scrollIntoView?: unknown }).scrollIntoView;
  });

  it("builds the rows that can be in view first and every other row right after the first paint", async () => {
    const props = { accounts: accounts(40, 60), switching: null, activeDataTime: null, t: translator("en"), onswitch: () => {}, onsignin: () => {} };
    const { container } = render(AccountSwitcher, props);
    const built = () => Array.from(container.querySelectorAll<HTMLElement>("#account-list [data-account-id]")).map((b) => Number(b.dataset.accountId) - 1000);
    const blocks = () => Array.from(container.querySelectorAll<HTMLElement>("#account-list li.pending"));
    // The window is 768 px high here, so 17 rows can be in view at most. The active account
    // (40) is further down: the list is scrolled to it, so the 17 rows leading up to it are
    // built, and the rest stands in as one block above them (24 rows) and one below (19).
    const first = built();
    expect(first).toEqual(Array.from({ length: 17 }, (_, i) => 24 + i));
    const [above, below] = blocks();
    expect(blocks()).toHaveLength(2);
    expect(above.nextElementSibling?.querySelector("[data-account-id='1024']")).not.toBeNull();
    expect(above.style.getPropertyValue("--rows")).toBe("24");
    expect(below.previousElementSibling?.querySelector("[data-account-id='1040']")).not.toBeNull();
    expect(below.style.getPropertyValue("--rows")).toBe("19");
    blocks().forEach((li) => expect(li.getAttribute("aria-hidden")).toBe("true"));
    // Then all of them, in the list's order, and no block.
    await waitFor(() => expect(built()).toHaveLength(60));
    expect(built()).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(blocks()).toHaveLength(0);
  });

  it("builds the top of a long list first when the active account is in it", async () => {
    const props = { accounts: accounts(3, 60), switching: null, activeDataTime: null, t: translator("en"), onswitch: () => {}, onsignin: () => {} };
    const { container } = render(AccountSwitcher, props);
    const built = () => Array.from(container.querySelectorAll<HTMLElement>("#account-list [data-account-id]")).map((b) => Number(b.dataset.accountId) - 1000);
    expect(built()).toEqual(Array.from({ length: 17 }, (_, i) => i));
    const blocks = container.querySelectorAll<HTMLElement>("#account-list li.pending");
    expect(blocks).toHaveLength(1);
    expect(blocks[0].style.getPropertyValue("--rows")).toBe("43");
    expect(container.querySelector("#account-list")?.lastElementChild).toBe(blocks[0]);
    await waitFor(() => expect(built()).toHaveLength(60));
  });
});
