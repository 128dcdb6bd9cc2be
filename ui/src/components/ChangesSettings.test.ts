import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render } from "@testing-library/svelte";
import ChangesSettings from "./ChangesSettings.svelte";
import { translator } from "../lib/i18n";
import type { NotifySettings } from "../lib/api";

afterEach(cleanup);

function show(refreshMinutes: number, notify: NotifySettings, lang: "en" | "fr" = "en") {
  const changes: [number, NotifySettings][] = [];
  const r = render(ChangesSettings, {
    refreshMinutes,
    notify,
    t: translator(lang),
    onchange: (m: number, n: NotifySettings) => changes.push([m, n]),
  });
  return { ...r, changes };
}

describe("watching settings", () => {
  it("shows the saved interval and switches, and hands every change up whole", async () => {
    const { container, changes } = show(30, { signIn: true, revoked: false });
    const select = container.querySelector<HTMLSelectElement>("#refresh-minutes")!;
    expect(select.value).toBe("30");
    expect(select.selectedOptions[0].textContent).toBe("every 30 minutes");
    expect(container.querySelector<HTMLInputElement>("#notify-sign-in")!.checked).toBe(true);
    expect(container.querySelector<HTMLInputElement>("#notify-revoked")!.checked).toBe(false);

    select.value = "0";
    await fireEvent.change(select);
    await fireEvent.click(container.querySelector("#notify-revoked")!);
    expect(changes).toEqual([
      [0, { signIn: true, revoked: false }],
      [30, { signIn: true, revoked: true }],
    ]);
  });

  it("keeps an interval set from a terminal, and speaks French", () => {
    const { container } = show(45, { signIn: true, revoked: true }, "fr");
    const select = container.querySelector<HTMLSelectElement>("#refresh-minutes")!;
    expect(select.value).toBe("45");
    expect(select.selectedOptions[0].textContent).toBe("toutes les 45 minutes");
    expect(container.querySelector("legend")?.textContent).toBe("Surveillance de vos comptes");
  });
});
