import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render, screen } from "@testing-library/svelte";
import Profile from "./Profile.svelte";
import { translator } from "../lib/i18n";
import { user } from "../test/fixtures";

afterEach(cleanup);

describe("profile", () => {
  it("shows who the account is and its account facts in words", () => {
    const { container } = render(Profile, { user: user(), t: translator("en"), lang: "en" });
    expect(container.querySelector("#profile-display-name")?.textContent).toBe("Nelly");
    expect(container.querySelector("#profile-username")?.textContent).toBe("nelly");
    expect(container.querySelector("#profile-email")?.textContent).toBe("nelly@example.com");
    expect(screen.getByText("Verified")).toBeTruthy();
    expect(container.querySelector("#profile-locale")?.textContent).toBe("French");
    expect(container.querySelector("#profile-mfa")?.textContent?.trim()).toBe("On");
    expect(container.querySelector("#profile-premium")?.textContent).toBe("Nitro");
    expect(screen.getByText("LC")).toBeTruthy();
    const badge = container.querySelector('[data-badge="hypesquad_bravery"]')!;
    expect(badge.textContent).toBe("HypeSquad Bravery");
    expect(badge.getAttribute("title")).toBe("HypeSquad Bravery");
    expect(screen.getByRole("img", { name: "Avatar of \u2068Nelly\u2069" })).toBeTruthy();
  });

  it("paints the accent colour when there is no banner, and shows the banner otherwise", () => {
    const { container } = render(Profile, { user: user(), t: translator("en"), lang: "en" });
    const band = container.querySelector(".banner") as HTMLElement;
    expect(band.tagName).toBe("DIV");
    expect(band.style.getPropertyValue("--accent-band")).toBe("#5865f2");
    cleanup();

    const banner = render(Profile, { user: user({ banner_url: "http://asset.localhost/b.png" }), t: translator("en"), lang: "en" });
    expect(banner.container.querySelector("img.banner")?.getAttribute("src")).toBe("http://asset.localhost/b.png");
  });

  it("says what it does not know, and the legacy tag where one exists, in French", () => {
    const u = user({ email: null, email_verified: null, mfa_enabled: null, locale: "en-US", legacy_tag: "nelly#1234", premium: "none" });
    const { container } = render(Profile, { user: u, t: translator("fr"), lang: "fr" });
    expect(container.querySelector("#profile-email")).toBeNull();
    expect(container.querySelector("#profile-email-missing")?.textContent).toContain("Non communiqué");
    expect(container.querySelector("#profile-mfa")?.textContent?.trim()).toBe("Inconnu");
    expect(container.querySelector("#profile-locale")?.textContent).toBe("anglais américain");
    expect(container.querySelector("#profile-premium")?.textContent).toBe("Pas de Nitro");
    expect(screen.getByText("nelly#1234")).toBeTruthy();
  });

  it("tells an account without an email from an email permission not granted", () => {
    const none = render(Profile, { user: user({ email: null, email_verified: true }), t: translator("en"), lang: "en" });
    const missing = none.container.querySelector("#profile-email-missing") as HTMLElement;
    expect(missing.dataset.reason).toBe("none");
    expect(missing.textContent).toBe("No email address on this Discord account");
    expect(missing.textContent).not.toContain("permission");
    cleanup();

    const hidden = render(Profile, { user: user({ email: null, email_verified: null }), t: translator("en"), lang: "en" });
    const notGranted = hidden.container.querySelector("#profile-email-missing") as HTMLElement;
    expect(notGranted.dataset.reason).toBe("not-granted");
    expect(notGranted.textContent).toContain("permission was not granted");
  });

  it("lets a name in a right-to-left script read right to left", () => {
    const { container } = render(Profile, { user: user({ display_name: "ليلى حسن 🌙" }), t: translator("en"), lang: "en" });
    expect(container.querySelector("#profile-display-name")?.getAttribute("dir")).toBe("auto");
    expect(container.querySelector("#profile-username")?.getAttribute("dir")).toBe("auto");
  });

  it("does not claim “No Nitro” when Discord would not say", () => {
    const { container } = render(Profile, { user: user({ premium: "unknown" }), t: translator("en"), lang: "en" });
    expect(container.querySelector("#profile-premium")?.textContent).toBe("Not shared by Discord");
  });
});
