import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import App from "./App.svelte";
import { callsTo, mockBackend } from "./test/backend";
import { appView, samActive, twoAccounts } from "./test/fixtures";
import type { AccountsView } from "./lib/api";

afterEach(() => {
  cleanup();
  clearMocks();
});

/** Renders the window on the accounts screen with `accounts`, and waits for the profile. */
async function start(accounts: AccountsView, handlers: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  const calls = mockBackend({
    app_view: () => appView(accounts),
    accounts_view: () => accounts,
    ...handlers,
  });
  const result = render(App);
  await screen.findByRole("navigation", { name: "Accounts" });
  return { calls, ...result };
}

function accountButton(container: HTMLElement, id: string): HTMLButtonElement {
  return container.querySelector(`#account-list [data-account-id="${id}"]`) as HTMLButtonElement;
}

describe("the accounts screen", () => {
  it("lists the accounts with the active one marked, and switches to another", async () => {
    const { calls, container } = await start(twoAccounts(), { switch_account: () => samActive() });

    expect(accountButton(container, "100").getAttribute("aria-current")).toBe("true");
    expect(accountButton(container, "200").hasAttribute("aria-current")).toBe(false);
    expect(container.querySelector("#profile-display-name")?.textContent).toBe("Nelly");

    await fireEvent.click(accountButton(container, "200"));

    await waitFor(() => expect(container.querySelector("#profile-display-name")?.textContent).toBe("Sam"));
    expect(callsTo(calls, "switch_account")).toEqual([{ id: "200" }]);
    expect(accountButton(container, "200").getAttribute("aria-current")).toBe("true");
    expect(container.querySelector("#profile-email")?.textContent).toBe("sam@example.com");
  });

  it("shows the account switched to from its top, wherever the last one was scrolled to", async () => {
    const scrolled = vi.spyOn(window, "scrollTo").mockImplementation(() => {});
    const { container } = await start(twoAccounts(), { switch_account: () => samActive() });
    expect(scrolled).not.toHaveBeenCalled();
    await fireEvent.click(accountButton(container, "200"));
    await waitFor(() => expect(container.querySelector("#profile-display-name")?.textContent).toBe("Sam"));
    expect(scrolled).toHaveBeenCalledWith({ top: 0 });
    scrolled.mockRestore();
  });

  it("says why a switch failed and stays on the current account", async () => {
    const { container } = await start(twoAccounts(), {
      switch_account: () => {
        throw { message: "The keychain is locked. Unlock it and try again.", kind: "keychain" };
      },
    });
    await fireEvent.click(accountButton(container, "200"));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("The keychain is locked"));
    expect(accountButton(container, "100").getAttribute("aria-current")).toBe("true");
    expect(container.querySelector("#profile-display-name")?.textContent).toBe("Nelly");
  });

  it("follows a switch made elsewhere (tray, link, CLI) through the accounts event", async () => {
    const { container } = await start(twoAccounts());

    await emit("accounts", samActive());

    await waitFor(() => expect(container.querySelector("#profile-display-name")?.textContent).toBe("Sam"));
    expect(accountButton(container, "200").getAttribute("aria-current")).toBe("true");
  });

  it("keeps the newer view when an older one arrives after it", async () => {
    const { container } = await start(twoAccounts());

    await emit("accounts", samActive());
    await waitFor(() => expect(container.querySelector("#profile-display-name")?.textContent).toBe("Sam"));
    // A view built before the switch but delivered after it (a command's answer, say).
    await emit("accounts", twoAccounts());

    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(container.querySelector("#profile-display-name")?.textContent).toBe("Sam");
    expect(accountButton(container, "200").getAttribute("aria-current")).toBe("true");
  });

  it("moves between accounts with the arrow keys", async () => {
    const { container } = await start(twoAccounts());
    accountButton(container, "100").focus();
    await fireEvent.keyDown(accountButton(container, "100"), { key: "ArrowDown" });
    expect(document.activeElement).toBe(accountButton(container, "200"));
    await fireEvent.keyDown(accountButton(container, "200"), { key: "ArrowDown" });
    expect(document.activeElement).toBe(accountButton(container, "100"));
  });

  it("says when it shows offline data, and refreshes on demand", async () => {
    const offline = twoAccounts();
    offline.active = { ...offline.active!, status: "offline", lastError: "Discord could not be reached." };
    offline.accounts[0] = { ...offline.accounts[0], status: "offline" };
    let finish: (v: AccountsView) => void = () => {};
    const { calls, container } = await start(offline, {
      refresh_account: () => new Promise<AccountsView>((resolve) => (finish = resolve)),
    });

    const marker = container.querySelector("#offline-marker");
    expect(marker?.textContent).toMatch(/Offline — showing data from .*\d{2}/);
    // The switcher says it too, with the time of the data.
    expect(accountButton(container, "100").closest("li")?.textContent).toMatch(/Offline · .*\d{2}/);
    expect(screen.getByText(/Discord could not be reached/)).toBeTruthy();

    const refresh = container.querySelector("#refresh") as HTMLButtonElement;
    await fireEvent.click(refresh);
    await waitFor(() => expect(refresh.getAttribute("aria-busy")).toBe("true"));
    expect(refresh.disabled).toBe(true);
    expect(callsTo(calls, "refresh_account")).toEqual([{ id: null }]);
    // The cached data is still what is shown while the refresh runs.
    expect(container.querySelector("#offline-marker")).not.toBeNull();

    finish(twoAccounts());
    await waitFor(() => expect(refresh.getAttribute("aria-busy")).toBe("false"));
    expect(container.querySelector("#offline-marker")).toBeNull();
  });

  it("refreshes on F5 instead of reloading the window", async () => {
    const { calls } = await start(twoAccounts(), { refresh_account: () => twoAccounts() });
    const event = new KeyboardEvent("keydown", { key: "F5", cancelable: true });
    window.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    await waitFor(() => expect(callsTo(calls, "refresh_account")).toEqual([{ id: null }]));
  });

  it("offers to sign in again when Discord refused an account", async () => {
    const refused = twoAccounts();
    refused.accounts[1] = { ...refused.accounts[1], status: "needs-sign-in" };
    const { calls, container } = await start(refused, {
      start_sign_in: () => ({ state: "waiting", authorizeUrl: "https://discord.com/oauth2/authorize?x=1" }),
    });
    const item = accountButton(container, "200").closest("li")!;
    expect(within(item).getByText("Needs sign-in again")).toBeTruthy();

    await fireEvent.click(within(item).getByRole("button", { name: "Sign in again" }));
    await waitFor(() => expect(container.ownerDocument.querySelector('#sign-in-panel [data-state="waiting"]')).not.toBeNull());
    expect(callsTo(calls, "start_sign_in")).toHaveLength(1);
  });

  it("shows a first-start screen when there is no account", async () => {
    mockBackend({
      app_view: () => appView({ revision: 0, accounts: [], active: null }),
      accounts_view: () => ({ revision: 0, accounts: [], active: null }),
    });
    const { container } = render(App);
    await screen.findByRole("button", { name: "Sign in with Discord" });
    expect(container.querySelector("#account-list")).toBeNull();
    expect(container.querySelector("#add-account")?.textContent).toContain("Sign in with Discord");
  });
});

describe("the first screen", () => {
  it("draws from the view the window was built with, without asking for it", async () => {
    (globalThis as Record<string, unknown>).__LINKCORD_FIRST_VIEW__ = appView(twoAccounts());
    const calls = mockBackend({ accounts_view: () => twoAccounts() });
    const { container } = render(App);
    expect(container.querySelector("#profile-display-name")?.textContent).toBe("Nelly");
    expect(callsTo(calls, "app_view")).toHaveLength(0);
    expect("__LINKCORD_FIRST_VIEW__" in globalThis).toBe(false);
    // Taken once: a window built again asks the backend.
    cleanup();
    const again = mockBackend({ app_view: () => appView(samActive()), accounts_view: () => samActive() });
    const second = render(App);
    await waitFor(() => expect(second.container.querySelector("#profile-display-name")?.textContent).toBe("Sam"));
    expect(callsTo(again, "app_view")).toHaveLength(1);
  });
});

describe("signing in", () => {
  it("waits for the browser, offers the link, and can be cancelled", async () => {
    const url = "https://discord.com/oauth2/authorize?client_id=42";
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    const { calls } = await start(twoAccounts(), {
      start_sign_in: () => ({ state: "waiting", authorizeUrl: url }),
      cancel_sign_in: () => null,
    });

    await fireEvent.click(document.querySelector("#add-account")!);
    const panel = await waitFor(() => document.querySelector('#sign-in-panel [data-state="waiting"]') as HTMLElement);
    expect(within(panel).getByText("Waiting for your browser…")).toBeTruthy();

    await fireEvent.click(document.querySelector("#copy-sign-in-link")!);
    expect(writeText).toHaveBeenCalledWith(url);

    await fireEvent.click(document.querySelector("#cancel-sign-in")!);
    await waitFor(() => expect(document.querySelector('#sign-in-panel [data-state="cancelled"]')).not.toBeNull());
    expect(callsTo(calls, "cancel_sign_in")).toHaveLength(1);
    expect(screen.getByText("Sign-in cancelled. Nothing was changed.")).toBeTruthy();
  });

  it("shows the link to copy by hand when the clipboard refuses", async () => {
    const url = "https://discord.com/oauth2/authorize?client_id=42";
    Object.defineProperty(navigator, "clipboard", {
      value: { writeText: () => Promise.reject(new Error("denied")) },
      configurable: true,
    });
    await start(twoAccounts(), { start_sign_in: () => ({ state: "waiting", authorizeUrl: url }) });
    await fireEvent.click(document.querySelector("#add-account")!);
    await waitFor(() => document.querySelector("#copy-sign-in-link")!);
    await fireEvent.click(document.querySelector("#copy-sign-in-link")!);
    const field = (await screen.findByRole("textbox", { name: "Copy the sign-in link" })) as HTMLInputElement;
    expect(field.value).toBe(url);
    expect(field.readOnly).toBe(true);
  });

  it("cancels with Escape, then closes with Escape", async () => {
    const { calls } = await start(twoAccounts(), {
      start_sign_in: () => ({ state: "waiting", authorizeUrl: "https://discord.com/oauth2/authorize" }),
      cancel_sign_in: () => null,
    });
    await fireEvent.click(document.querySelector("#add-account")!);
    const dialog = await waitFor(() => document.querySelector("#sign-in-panel [data-state=waiting]")!.closest("dialog")!);

    await fireEvent.keyDown(dialog, { key: "Escape" });
    await waitFor(() => expect(document.querySelector('#sign-in-panel [data-state="cancelled"]')).not.toBeNull());
    expect(callsTo(calls, "cancel_sign_in")).toHaveLength(1);

    await fireEvent.keyDown(document.querySelector("#sign-in-panel")!, { key: "Escape" });
    expect(document.querySelector("#sign-in-panel")).toBeNull();
  });

  it("follows the sign-in events to success, and says plainly when it failed", async () => {
    await start(twoAccounts(), {
      start_sign_in: () => ({ state: "waiting", authorizeUrl: "https://discord.com/oauth2/authorize" }),
    });
    await fireEvent.click(document.querySelector("#add-account")!);
    await waitFor(() => document.querySelector('#sign-in-panel [data-state="waiting"]')!);

    await emit("accounts", samActive());
    await emit("sign-in", { state: "done", account: "200" });
    // The name sits in its own <bdi> inside the sentence.
    await waitFor(() => expect(document.querySelector("#sign-in-message")?.textContent?.trim()).toBe("Signed in as Sam."));
    await fireEvent.click(document.querySelector("#close-sign-in")!);
    expect(document.querySelector("#sign-in-panel")).toBeNull();

    await emit("sign-in", { state: "failed", message: "You declined on Discord's page." });
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("You declined on Discord's page."));
  });
});

describe("logging out", () => {
  it("offers to forget the account on this computer when Discord cannot be told", async () => {
    const { calls } = await start(twoAccounts(), {
      log_out: () => {
        throw { message: "Discord could not be told to end the sign-in, so nothing was removed. Try again later, or remove the account from this computer only.", kind: "revoke-failed" };
      },
      forget_locally: () => samActive(),
    });

    await fireEvent.click(document.querySelector("#log-out")!);
    expect(document.querySelector("#log-out-title")?.textContent?.trim()).toBe("Log out of Nelly?");
    await fireEvent.click(document.querySelector("#confirm-log-out")!);

    const forget = await waitFor(() => document.querySelector("#forget-locally") as HTMLButtonElement);
    expect(screen.getByRole("alert").textContent).toContain("still valid at Discord");
    // Said once: the backend's sentence for this kind repeats it in other words.
    expect(screen.getByRole("alert").textContent).not.toContain("Discord could not be told");
    expect(screen.getByText(/Discord is not told/)).toBeTruthy();
    expect(callsTo(calls, "log_out")).toEqual([{ id: "100" }]);

    await fireEvent.click(forget);
    await waitFor(() => expect(document.querySelector("#log-out-dialog")).toBeNull());
    expect(callsTo(calls, "forget_locally")).toEqual([{ id: "100" }]);
    expect(document.querySelector("#profile-display-name")?.textContent).toBe("Sam");
  });

  it("does nothing when the confirmation is dismissed with Escape", async () => {
    const { calls } = await start(twoAccounts(), { log_out: () => twoAccounts() });
    await fireEvent.click(document.querySelector("#log-out")!);
    await fireEvent.keyDown(document.querySelector("#log-out-dialog")!, { key: "Escape" });
    expect(document.querySelector("#log-out-dialog")).toBeNull();
    expect(callsTo(calls, "log_out")).toHaveLength(0);
  });

  it("logs out of every account after a confirmation", async () => {
    const { calls } = await start(twoAccounts(), { log_out_all: () => ({ revision: 2, accounts: [], active: null }) });
    await fireEvent.click(document.querySelector("#log-out-all")!);
    await fireEvent.click(document.querySelector("#confirm-log-out")!);
    await screen.findByRole("button", { name: "Sign in with Discord" });
    expect(callsTo(calls, "log_out_all")).toHaveLength(1);
  });
});

describe("language", () => {
  it("switches to French through the backend and shows French strings", async () => {
    const accounts = twoAccounts();
    const { calls } = await start(accounts, { set_language: (args) => appView(accounts, args.language as string) });

    await fireEvent.change(document.querySelector("#language")!, { target: { value: "fr" } });

    await screen.findByRole("navigation", { name: "Comptes" });
    expect(callsTo(calls, "set_language")).toEqual([{ language: "fr" }]);
    expect(document.querySelector("#refresh")?.textContent?.trim()).toBe("Actualiser");
    expect(screen.getByRole("heading", { name: "Connexions" })).toBeTruthy();
    expect(document.documentElement.lang).toBe("fr");
  });

  it("asks to follow the system again", async () => {
    const accounts = twoAccounts();
    const { calls } = await start(accounts, { set_language: () => appView(accounts, null) });
    await fireEvent.change(document.querySelector("#language")!, { target: { value: "system" } });
    await waitFor(() => expect(callsTo(calls, "set_language")).toEqual([{ language: null }]));
  });
});

describe("settings", () => {
  it("opens the Discord application settings and comes back", async () => {
    await start(twoAccounts(), { preview_setup: () => ({ redirectUri: "http://127.0.0.1:53134/callback", problem: null }) });
    await fireEvent.click(screen.getByRole("button", { name: "Discord application settings" }));
    expect(document.querySelector("main")?.getAttribute("data-screen")).toBe("setup");
    expect((screen.getByLabelText("Application (client) ID") as HTMLInputElement).value).toBe("42");

    await fireEvent.click(screen.getByRole("button", { name: /Back/ }));
    expect(document.querySelector("main")?.getAttribute("data-screen")).toBe("accounts");
    await screen.findByRole("navigation", { name: "Accounts" });
  });

  it("turns starting at login on and shows what the backend reports", async () => {
    const accounts = twoAccounts();
    const { calls } = await start(accounts, {
      preview_setup: () => ({ redirectUri: "http://127.0.0.1:53134/callback", problem: null }),
      set_start_at_login: (args) => ({ ...appView(accounts), startAtLogin: args.enabled }),
    });
    await fireEvent.click(screen.getByRole("button", { name: "Discord application settings" }));
    const box = screen.getByLabelText("Start Linkcord in the tray when I log in") as HTMLInputElement;
    expect(box.checked).toBe(false);
    await fireEvent.click(box);
    await waitFor(() => expect(callsTo(calls, "set_start_at_login")).toEqual([{ enabled: true }]));
    await waitFor(() => expect((screen.getByLabelText("Start Linkcord in the tray when I log in") as HTMLInputElement).checked).toBe(true));
  });
});

describe("links to the outside", () => {
  it("says in the window when a link could not be opened", async () => {
    const { calls } = await start(twoAccounts(), {
      open_link: ({ url }) => {
        throw `Not allowed to open url ${url}`;
      },
    });
    await fireEvent.click(screen.getByRole("button", { name: "Open Discord" }));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("Could not open https://discord.com/channels/@me"));
    expect(callsTo(calls, "open_link")).toHaveLength(1);
  });
});
