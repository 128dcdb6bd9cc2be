import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import Servers from "./Servers.svelte";
import { translator } from "../lib/i18n";
import { guild } from "../test/fixtures";
import type { GuildView, Section } from "../lib/api";

afterEach(cleanup);

const guilds = [
  guild(),
  guild({ id: "g2", name: "Linkcord HQ", owner: true, admin: true, member_count: 1, online_count: null, icon_url: "http://asset.localhost/g2.png" }),
];

function show(section: Section<GuildView>) {
  return render(Servers, { section, t: translator("en"), lang: "en", onsignin: () => {} });
}

describe("servers", () => {
  it("shows each server with its icon or initials, role and head counts", () => {
    const { container } = show({ status: "granted", items: guilds });
    const rust = container.querySelector('[data-guild-id="g1"]')!;
    expect(rust.querySelector(".initials")?.textContent).toBe("RL");
    expect(rust.textContent).toContain("1,200 members");
    expect(rust.textContent).toContain("300 online");
    expect(rust.querySelector("[data-role]")).toBeNull();
    const hq = container.querySelector('[data-guild-id="g2"]')!;
    expect(hq.querySelector("img")?.getAttribute("src")).toBe("http://asset.localhost/g2.png");
    expect(hq.textContent).toContain("1 member");
    expect(hq.querySelector('[data-role="owner"]')?.textContent).toBe("Owner");
  });

  it("lists servers by name", () => {
    const { container } = show({ status: "granted", items: guilds });
    const ids = Array.from(container.querySelectorAll("[data-guild-id]")).map((el) => el.getAttribute("data-guild-id"));
    expect(ids).toEqual(["g2", "g1"]);
  });

  it("filters by name", async () => {
    const { container } = show({ status: "granted", items: guilds });
    await fireEvent.input(container.querySelector("#server-filter")!, { target: { value: "hq" } });
    const ids = Array.from(container.querySelectorAll("[data-guild-id]")).map((el) => el.getAttribute("data-guild-id"));
    expect(ids).toEqual(["g2"]);
  });

  it("explains a permission that was not granted", () => {
    show({ status: "not_granted" });
    expect(screen.getByText(/“guilds” permission was not granted/)).toBeTruthy();
    cleanup();
    show({ status: "granted", items: [] });
    expect(screen.getByText("This account is not in any server.")).toBeTruthy();
  });
});
