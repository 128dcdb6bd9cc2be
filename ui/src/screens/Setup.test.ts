import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import Setup from "./Setup.svelte";
import { translator } from "../lib/i18n";
import type { AppView } from "../lib/api";

const view: AppView = {
  screen: "setup",
  redirectUri: "http://127.0.0.1:53134/callback",
  startAtLogin: false,
  systemLanguage: null,
  signIn: { state: "idle" },
  accounts: { revision: 0, accounts: [], active: null },
  settings: {
    clientId: null,
    redirect: "loopback",
    port: 53134,
    scopes: ["identify", "email", "connections", "guilds"],
    language: null,
    refreshMinutes: 30,
    notify: { signIn: true, revoked: true },
  },
};

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("Setup screen", () => {
  it("shows the backend's redirect URI and saves what the user typed", async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "preview_setup") return { redirectUri: "discord-42:/authorize/callback", problem: null };
      if (cmd === "save_setup") return { ...view, screen: "accounts" };
    });
    let saved: AppView | null = null;
    render(Setup, { view, t: translator("en"), onsaved: (v: AppView) => (saved = v) });

    await fireEvent.input(screen.getByLabelText("Application (client) ID"), { target: { value: " 42 " } });
    await fireEvent.click(screen.getByLabelText(/Through a link opened by the system/));
    await waitFor(() => expect(screen.getByText("discord-42:/authorize/callback")).toBeTruthy());

    await fireEvent.click(screen.getByRole("button", { name: "Save and continue" }));
    await waitFor(() => expect(saved).not.toBeNull());
    const save = calls.find((c) => c.cmd === "save_setup");
    expect(save?.args).toEqual({ input: { clientId: "42", clientSecret: null, redirect: "deep-link", port: 53134 } });
  });

  it("shows the backend's objection and does not offer to save", async () => {
    mockIPC((cmd) => {
      if (cmd === "preview_setup") return { redirectUri: null, problem: "not a client id" };
    });
    render(Setup, { view, t: translator("fr"), onsaved: () => {} });
    await fireEvent.input(screen.getByLabelText("Identifiant de l’application (client)"), { target: { value: "abc" } });
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("not a client id"));
    const button = screen.getByRole("button", { name: "Enregistrer et continuer" }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
  });

  it("sends a typed client secret with the setup, and nothing when the field is empty", async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "preview_setup") return { redirectUri: "http://127.0.0.1:53134/callback", problem: null };
      if (cmd === "save_setup") return { ...view, screen: "accounts" };
    });
    render(Setup, { view, t: translator("en"), onsaved: () => {} });
    await fireEvent.input(screen.getByLabelText("Application (client) ID"), { target: { value: "42" } });
    const secret = screen.getByLabelText("Client secret (optional)") as HTMLInputElement;
    expect(secret.type).toBe("password");
    await fireEvent.input(secret, { target: { value: " s3cret " } });
    await waitFor(() => expect(screen.getByText("http://127.0.0.1:53134/callback")).toBeTruthy());
    await fireEvent.click(screen.getByRole("button", { name: "Save and continue" }));
    await waitFor(() => expect(calls.some((c) => c.cmd === "save_setup")).toBe(true));
    const save = calls.find((c) => c.cmd === "save_setup");
    expect((save?.args as { input: { clientSecret: string | null } }).input.clientSecret).toBe("s3cret");
  });
});
