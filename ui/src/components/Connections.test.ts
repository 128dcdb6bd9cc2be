import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import Connections from "./Connections.svelte";
import { translator } from "../lib/i18n";
import { callsTo, mockBackend } from "../test/backend";
import { connections } from "../test/fixtures";
import type { ConnectionView, Section } from "../lib/api";

afterEach(() => {
  cleanup();
  clearMocks();
});

function show(section: Section<ConnectionView>, onsignin = () => {}) {
  return render(Connections, { section, t: translator("en"), lang: "en", onsignin });
}

/** The connections in the order shown, as "type:id". */
function order(container: HTMLElement): string[] {
  return Array.from(container.querySelectorAll("[data-connection-type]")).map(
    (el) => `${el.getAttribute("data-connection-type")}:${el.getAttribute("data-connection-id")}`,
  );
}

describe("connections", () => {
  it("sorts by service or by account name", async () => {
    const { container } = show({ status: "granted", items: connections });
    expect(order(container)).toEqual(["github:c1", "twitch:c2", "zune:c3"]);

    await fireEvent.change(container.querySelector("#connection-sort")!, { target: { value: "name" } });
    expect(order(container)).toEqual(["zune:c3", "twitch:c2", "github:c1"]);
  });

  it("filters by text, verified and public, and can clear the filters", async () => {
    const { container } = show({ status: "granted", items: connections });

    await fireEvent.input(container.querySelector("#connection-filter")!, { target: { value: "TWITCH" } });
    expect(order(container)).toEqual(["twitch:c2"]);
    expect(screen.getByText("1 of 3 shown")).toBeTruthy();

    await fireEvent.input(container.querySelector("#connection-filter")!, { target: { value: "" } });
    await fireEvent.click(screen.getByLabelText("Verified only"));
    expect(order(container)).toEqual(["github:c1", "zune:c3"]);

    await fireEvent.click(screen.getByLabelText("Public only"));
    await fireEvent.input(container.querySelector("#connection-filter")!, { target: { value: "nothing like it" } });
    expect(order(container)).toEqual([]);
    await fireEvent.click(screen.getByRole("button", { name: "Clear filters" }));
    expect(order(container)).toHaveLength(3);
  });

  it("draws the brand icon for known services and a neutral one for unknown services", () => {
    const { container } = show({ status: "granted", items: connections });
    const icon = (type: string) => container.querySelector(`[data-connection-type="${type}"] [data-icon]`)?.getAttribute("data-icon");
    expect(icon("github")).toBe("github");
    expect(icon("twitch")).toBe("twitch");
    expect(icon("zune")).toBe("neutral");
    // The unknown service is still listed by its raw type and account name.
    const zune = container.querySelector('[data-connection-type="zune"]')!;
    expect(zune.textContent).toContain("zune");
    expect(zune.textContent).toContain("Alpha");
  });

  it("shows each link's state in words", () => {
    const { container } = show({ status: "granted", items: connections });
    const github = container.querySelector('[data-connection-type="github"]')!;
    const twitch = container.querySelector('[data-connection-type="twitch"]')!;
    expect(github.textContent).toContain("Verified");
    expect(github.textContent).toContain("Public on profile");
    expect(twitch.textContent).toContain("Not verified");
    expect(twitch.textContent).toContain("Only you");
  });

  it("opens the profile on the service in the system browser", async () => {
    const calls = mockBackend({ open_link: () => null });
    show({ status: "granted", items: connections });
    await fireEvent.click(screen.getByRole("button", { name: "Open \u2068octocat\u2069 on \u2068GitHub\u2069" }));
    await waitFor(() => expect(callsTo(calls, "open_link")).toHaveLength(1));
    expect(callsTo(calls, "open_link")[0]).toMatchObject({ url: "https://github.com/octocat" });
    // No link where the backend could not build one.
    expect(screen.queryByRole("button", { name: /Open Alpha on zune/ })).toBeNull();
  });

  it("tells a permission that was not granted apart from having no connections", async () => {
    let asked = 0;
    const { container } = show({ status: "not_granted" }, () => (asked += 1));
    expect(container.querySelector('[data-empty="not-granted"]')?.textContent).toContain("“connections” permission was not granted");
    await fireEvent.click(screen.getByRole("button", { name: "Sign in again" }));
    expect(asked).toBe(1);
    cleanup();

    const empty = show({ status: "granted", items: [] });
    expect(empty.container.querySelector('[data-empty="none"]')?.textContent).toContain("No linked accounts");
    expect(empty.container.querySelector("#connection-filter")).toBeNull();
  });
});
