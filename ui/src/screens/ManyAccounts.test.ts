// The accounts screen with many accounts: the filter over the list, the quick switch (Ctrl+K)
// and the number shortcuts (Ctrl+1 … Ctrl+9), with the backend mocked.
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import App from "../App.svelte";
import { callsTo, mockBackend } from "../test/backend";
import { appView, manyAccounts, switchedTo } from "../test/fixtures";
import type { AccountsView } from "../lib/api";

afterEach(() => {
  cleanup();
  clearMocks();
});

/** The window on the accounts screen with `accounts`; switching answers with the new view. */
async function start(accounts: AccountsView, language = "en") {
  let current = accounts;
  const calls = mockBackend({
    app_view: () => appView(current, language),
    accounts_view: () => current,
    switch_account: (args) => (current = switchedTo(current, String(args.id))),
    start_sign_in: () => ({ state: "waiting", authorizeUrl: "https://discord.com/oauth2/authorize" }),
  });
  const result = render(App);
  await screen.findByRole("navigation", { name: language === "fr" ? "Comptes" : "Accounts" });
  // Rows out of view are built right after the first paint.
  await waitFor(() => expect(document.querySelector("#account-list .pending")).toBeNull());
  return { calls, ...result };
}

function listed(container: HTMLElement): string[] {
  return Array.from(container.querySelectorAll<HTMLElement>("#account-list [data-account-id]")).map((b) => b.dataset.accountId!);
}

function filterField(): HTMLInputElement {
  return screen.getByRole("searchbox", { name: "Filter accounts" }) as HTMLInputElement;
}

/** A key pressed where the focus is, bubbling to the window as a real one does. */
async function press(key: string, init: KeyboardEventInit = {}) {
  const target = document.activeElement ?? document.body;
  const event = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(event);
  await Promise.resolve();
  return event;
}

async function typeInto(field: HTMLInputElement, text: string) {
  await fireEvent.input(field, { target: { value: text } });
}

const all = manyAccounts(25).accounts.map((a) => a.id);

describe("the account filter", () => {
  it("is not shown for a handful of accounts", async () => {
    await start(manyAccounts(5));
    expect(screen.queryByRole("searchbox", { name: "Filter accounts" })).toBeNull();
  });

  it("narrows the list by name, username or id, in the list's order, and says how many", async () => {
    const { container } = await start(manyAccounts(25));
    expect(listed(container)).toEqual(all);
    const field = filterField();
    field.focus();

    await typeInto(field, "ava");
    expect(listed(container)).toEqual(["1001", "1005"]);
    expect(document.querySelector("#account-filter-count")?.textContent).toContain("2 of 25 accounts");
    // Typing does not take the focus away from the field.
    expect(document.activeElement).toBe(field);

    await typeInto(field, "LEFEVRE");
    expect(listed(container)).toEqual(["1004"]);
    await typeInto(field, "@hanako");
    expect(listed(container)).toEqual(["1003"]);
    await typeInto(field, "1020");
    expect(listed(container)).toEqual(["1020"]);
    await typeInto(field, "omer");
    expect(listed(container)).toEqual(["1006"]);

    await typeInto(field, "");
    expect(listed(container)).toEqual(all);
  });

  it("says when nothing matches, and clears back to the whole list with the focus in the field", async () => {
    const { container } = await start(manyAccounts(25));
    const field = filterField();
    await typeInto(field, "nobody here");
    expect(listed(container)).toEqual([]);
    const empty = container.querySelector("[data-empty='filtered']")!;
    expect(empty.textContent).toContain("No account matches “nobody here”.");
    // The typed text is isolated like a name from Discord.
    expect(empty.querySelector("bdi")?.textContent).toBe("nobody here");

    await fireEvent.click(within(empty as HTMLElement).getByRole("button", { name: "Clear filter" }));
    expect(listed(container)).toEqual(all);
    expect(field.value).toBe("");
    expect(document.activeElement).toBe(field);
  });

  it("clears with Escape, goes into the list with Down, and switches to the first match with Enter", async () => {
    const { calls, container } = await start(manyAccounts(25));
    const field = filterField();
    field.focus();
    await typeInto(field, "ava");

    await press("ArrowDown");
    expect((document.activeElement as HTMLElement).dataset.accountId).toBe("1001");
    await press("ArrowUp");
    expect(document.activeElement).toBe(field);

    await typeInto(field, "stone");
    await press("Enter");
    await waitFor(() => expect(container.querySelector("#profile-display-name")?.textContent).toBe("Ava Stone"));
    expect(callsTo(calls, "switch_account")).toEqual([{ id: "1005" }]);

    field.focus();
    await press("Escape");
    expect(field.value).toBe("");
    expect(listed(container)).toEqual(all);
  });

  it("speaks French", async () => {
    const { container } = await start(manyAccounts(25), "fr");
    const field = screen.getByRole("searchbox", { name: "Filtrer les comptes" }) as HTMLInputElement;
    expect(field.placeholder).toBe("Nom, nom d’utilisateur ou ID");
    await typeInto(field, "ava");
    expect(document.querySelector("#account-filter-count")?.textContent).toContain("2 sur 25 comptes");
    await typeInto(field, "personne");
    expect(container.querySelector("[data-empty='filtered']")?.textContent).toContain("Aucun compte ne correspond à « personne ».");
  });
});

describe("the number shortcuts", () => {
  it("switch to the third account with Ctrl+3, and show the shortcut on the first nine", async () => {
    const { calls, container } = await start(manyAccounts(25));
    const third = container.querySelector<HTMLElement>("#account-list [data-account-id='1003']")!;
    expect(third.getAttribute("aria-keyshortcuts")).toBe("Control+3");
    expect(third.title).toBe("Shortcut: Ctrl+3");
    expect(container.querySelector("#account-list [data-account-id='1010']")!.hasAttribute("aria-keyshortcuts")).toBe(false);

    const event = await press("3", { code: "Digit3", ctrlKey: true });
    expect(event.defaultPrevented).toBe(true);
    await waitFor(() => expect(container.querySelector("#profile-display-name")?.textContent).toBe("山田花子"));
    expect(callsTo(calls, "switch_account")).toEqual([{ id: "1003" }]);
    // The focus did not move, so screen readers are told.
    await waitFor(() => expect(document.querySelector("#switch-announcement")?.textContent).toBe("Switched to 山田花子."));
  });

  it("count the whole list even while it is filtered", async () => {
    const { calls } = await start(manyAccounts(25));
    const field = filterField();
    field.focus();
    await typeInto(field, "zoe");
    await press("2", { code: "Digit2", ctrlKey: true });
    await waitFor(() => expect(callsTo(calls, "switch_account")).toEqual([{ id: "1002" }]));
  });

  it("do nothing past the last account, on the active one, or while a dialog is open", async () => {
    const { calls } = await start(manyAccounts(3));
    await press("7", { code: "Digit7", ctrlKey: true });
    await press("1", { code: "Digit1", ctrlKey: true });
    await fireEvent.click(document.querySelector("#add-account")!);
    await waitFor(() => expect(document.querySelector("#sign-in-panel")).not.toBeNull());
    await press("2", { code: "Digit2", ctrlKey: true });
    await press("k", { code: "KeyK", ctrlKey: true });
    expect(document.querySelector("#quick-switch")).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(callsTo(calls, "switch_account")).toEqual([]);
  });
});

describe("the quick switch", () => {
  function options(): HTMLElement[] {
    return Array.from(document.querySelectorAll<HTMLElement>("#quick-switch [role='option']"));
  }
  function chosen(): string | undefined {
    return document.querySelector<HTMLElement>("#quick-switch [role='option'][aria-selected='true']")?.dataset.accountId;
  }

  it("opens with Ctrl+K, the field focused, every account with its name, username and state", async () => {
    await start(manyAccounts(12));
    const event = await press("k", { code: "KeyK", ctrlKey: true });
    expect(event.defaultPrevented).toBe(true);

    const dialog = await screen.findByRole("dialog", { name: "Switch account" });
    const field = within(dialog).getByRole("combobox", { name: "Find an account" }) as HTMLInputElement;
    expect(document.activeElement).toBe(field);
    expect(within(dialog).getByRole("listbox", { name: "Accounts" })).toBeTruthy();
    expect(options().map((o) => o.dataset.accountId)).toEqual(manyAccounts(12).accounts.map((a) => a.id));

    const active = options()[0];
    expect(active.textContent).toContain("Ava Núñez-Gómez");
    expect(active.textContent).toContain("@ava.nunez");
    expect(active.textContent).toContain("Active");
    expect(active.textContent).toContain("Ctrl+1");
    expect(options()[5].textContent).toContain("Needs sign-in again");
    expect(options()[10].querySelector("kbd")).toBeNull();
    // Untouched, the first account that is not the active one is chosen.
    expect(chosen()).toBe("1002");
    expect(field.getAttribute("aria-activedescendant")).toBe("quick-switch-option-1002");
  });

  it("lists the most recently used first, and Enter goes back to the account one came from", async () => {
    const { calls, container } = await start(manyAccounts(12));
    await press("3", { code: "Digit3", ctrlKey: true });
    await waitFor(() => expect(container.querySelector("#profile-display-name")?.textContent).toBe("山田花子"));

    await press("k", { code: "KeyK", ctrlKey: true });
    await screen.findByRole("dialog", { name: "Switch account" });
    expect(options().map((o) => o.dataset.accountId).slice(0, 4)).toEqual(["1003", "1001", "1002", "1004"]);
    expect(options()[0].textContent).toContain("Active");
    // The number shortcuts stay those of the list's order.
    expect(options()[0].querySelector("kbd")?.textContent).toBe("Ctrl+3");
    expect(chosen()).toBe("1001");

    await press("Enter");
    await waitFor(() => expect(container.querySelector("#profile-display-name")?.textContent).toBe("Ava Núñez-Gómez"));
    expect(callsTo(calls, "switch_account")).toEqual([{ id: "1003" }, { id: "1001" }]);
  });

  it("narrows as one types, moves with the arrows, and switches with Enter", async () => {
    const { calls, container } = await start(manyAccounts(12));
    await press("k", { code: "KeyK", ctrlKey: true });
    const field = (await screen.findByRole("combobox", { name: "Find an account" })) as HTMLInputElement;

    await typeInto(field, "AVA");
    expect(options().map((o) => o.dataset.accountId)).toEqual(["1001", "1005"]);
    expect(chosen()).toBe("1001");
    await press("ArrowDown");
    expect(chosen()).toBe("1005");
    await press("ArrowDown");
    expect(chosen()).toBe("1001");
    await press("ArrowUp");
    expect(chosen()).toBe("1005");

    await press("Enter");
    await waitFor(() => expect(container.querySelector("#profile-display-name")?.textContent).toBe("Ava Stone"));
    expect(callsTo(calls, "switch_account")).toEqual([{ id: "1005" }]);
    expect(document.querySelector("#quick-switch")).toBeNull();
  });

  it("says when nothing matches, and closes with Escape without switching", async () => {
    const { calls } = await start(manyAccounts(12));
    await press("k", { code: "KeyK", ctrlKey: true });
    const field = (await screen.findByRole("combobox", { name: "Find an account" })) as HTMLInputElement;
    await typeInto(field, "zzz");
    expect(options()).toEqual([]);
    expect(field.getAttribute("aria-expanded")).toBe("false");
    expect(document.querySelector("#quick-switch [data-empty='filtered']")?.textContent).toContain("No account matches “zzz”.");
    await press("Enter");

    await fireEvent.keyDown(document.querySelector("#quick-switch")!, { key: "Escape" });
    expect(document.querySelector("#quick-switch")).toBeNull();
    expect(callsTo(calls, "switch_account")).toEqual([]);
  });

  it("opens from its button, which shows the shortcut, and closes again with Ctrl+K", async () => {
    await start(manyAccounts(3));
    const button = screen.getByRole("button", { name: /Switch account/ });
    expect(button.textContent).toContain("Ctrl+K");
    expect(button.getAttribute("aria-keyshortcuts")).toBe("Control+K");
    await fireEvent.click(button);
    await screen.findByRole("dialog", { name: "Switch account" });
    await press("k", { code: "KeyK", ctrlKey: true });
    expect(document.querySelector("#quick-switch")).toBeNull();
  });

  it("closes with its close button, for the mouse", async () => {
    const { calls } = await start(manyAccounts(3));
    await fireEvent.click(screen.getByRole("button", { name: /Switch account/ }));
    const dialog = await screen.findByRole("dialog", { name: "Switch account" });
    await fireEvent.click(within(dialog).getByRole("button", { name: "Close" }));
    expect(document.querySelector("#quick-switch")).toBeNull();
    expect(callsTo(calls, "switch_account")).toEqual([]);
  });

  it("shows how many changes an account has that were not seen yet", async () => {
    const view = manyAccounts(4);
    view.accounts[2] = { ...view.accounts[2], unseenChanges: 3 };
    await start(view);
    await press("k", { code: "KeyK", ctrlKey: true });
    await screen.findByRole("dialog", { name: "Switch account" });
    expect(options()[2].textContent).toContain("3 new");
    expect(options()[1].querySelector("[data-unseen]")).toBeNull();
  });

  it("gives way to a sign-in started elsewhere", async () => {
    await start(manyAccounts(3));
    await press("k", { code: "KeyK", ctrlKey: true });
    await screen.findByRole("dialog", { name: "Switch account" });
    await emit("sign-in", { state: "waiting", authorizeUrl: "https://discord.com/oauth2/authorize" });
    await waitFor(() => expect(document.querySelector("#sign-in-panel")).not.toBeNull());
    expect(document.querySelector("#quick-switch")).toBeNull();
  });

  it("switches on a click", async () => {
    const { calls } = await start(manyAccounts(12));
    await press("k", { code: "KeyK", ctrlKey: true });
    await screen.findByRole("dialog", { name: "Switch account" });
    await fireEvent.click(options()[3]);
    await waitFor(() => expect(callsTo(calls, "switch_account")).toEqual([{ id: "1004" }]));
    expect(document.querySelector("#quick-switch")).toBeNull();
  });

  it("is not offered with a single account", async () => {
    await start(manyAccounts(1));
    expect(screen.queryByRole("button", { name: /Switch account/ })).toBeNull();
  });
});
