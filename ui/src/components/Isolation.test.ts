// Text from Discord is isolated from the text around it: a name holding U+202E RIGHT-TO-LEFT
// OVERRIDE must not reverse the words that follow it ("?", "(username)", a flag), and a
// right-to-left name must not drag its neighbours along.
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render } from "@testing-library/svelte";
import { translator } from "../lib/i18n";
import { connection, guild, twoAccounts, user } from "../test/fixtures";
import AccountSwitcher from "./AccountSwitcher.svelte";
import ConnectionItem from "./ConnectionItem.svelte";
import LogOutDialog from "./LogOutDialog.svelte";
import QuickSwitch from "./QuickSwitch.svelte";
import Profile from "./Profile.svelte";
import ServerItem from "./ServerItem.svelte";
import SignInPanel from "./SignInPanel.svelte";

afterEach(cleanup);

const RLO = "\u202e";
const name = `Mallory ${RLO}gnp.exe`;
const t = translator("en");
const nothing = () => {};

/** Elements that isolate their content: `<bdi>`, or any element with a `dir` attribute. */
function isolating(el: Element | null): boolean {
  return !!el && (el.tagName === "BDI" || el.hasAttribute("dir"));
}

/**
 * Every text node holding `text` sits in an isolating element that holds exactly `text`
 * (nothing from around it), and there is at least one.
 */
function expectIsolated(root: Element, text: string) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const found: string[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent?.includes(text)) continue;
    const parent = node.parentElement;
    found.push(`${parent?.outerHTML}`);
    expect(isolating(parent), `not isolated: ${parent?.outerHTML}`).toBe(true);
    expect(parent?.textContent?.trim()).toBe(text);
  }
  expect(found.length, `${JSON.stringify(text)} is shown`).toBeGreaterThan(0);
}

/** In attributes (labels, tooltips), the value is wrapped in FSI … PDI. */
function expectIsolatedIn(attribute: string | null | undefined, text: string) {
  expect(attribute).toContain(`\u2068${text}\u2069`);
}

describe("text from Discord is isolated", () => {
  it("in the profile: display name, username, server tag, email, legacy tag", () => {
    const u = user({ display_name: name, username: `m${RLO}x`, server_tag: `<${RLO}i>`, email: `a${RLO}b@example.com`, legacy_tag: `old${RLO}guard#1234` });
    const { container } = render(Profile, { user: u, t, lang: "en" });
    for (const text of [u.display_name, u.username, u.server_tag!, u.email!, u.legacy_tag!]) expectIsolated(container, text);
    expectIsolatedIn(container.querySelector("img.avatar")?.getAttribute("alt"), name);
  });

  it("in the account list: display name and username", () => {
    const view = twoAccounts();
    view.accounts[0] = { ...view.accounts[0], displayName: name, username: `m${RLO}x` };
    const { container } = render(AccountSwitcher, { accounts: view.accounts, switching: null, activeDataTime: null, t, onswitch: nothing, onsignin: nothing });
    expectIsolated(container, name);
    expectIsolated(container, `m${RLO}x`);
  });

  it("in the quick switch: display name, username, and the text typed when nothing matches", async () => {
    const view = twoAccounts();
    view.accounts[1] = { ...view.accounts[1], displayName: name, username: `m${RLO}x` };
    const { container } = render(QuickSwitch, { accounts: view.accounts, mac: false, t, onpick: nothing, onclose: nothing });
    expectIsolated(container, name);
    expectIsolated(container, `m${RLO}x`);
    const field = container.querySelector<HTMLInputElement>("#quick-switch-input")!;
    await fireEvent.input(field, { target: { value: `zz${RLO}q` } });
    expectIsolated(container, `zz${RLO}q`);
  });

  it("in a connection: account name and an unknown service's name, and in its link's label", () => {
    const c = connection({ display_name: name, service_name: `holo${RLO}deck` });
    const { container } = render(ConnectionItem, { connection: c, t });
    expectIsolated(container, name);
    expectIsolated(container, c.service_name);
    const open = container.querySelector("button.open");
    expectIsolatedIn(open?.getAttribute("aria-label"), name);
    expectIsolatedIn(open?.getAttribute("title"), name);
  });

  it("in a server's name", () => {
    const { container } = render(ServerItem, { guild: guild({ name }), t, lang: "en" });
    expectIsolated(container, name);
  });

  it("inside sentences: the log-out question and the signed-in message", () => {
    const dialog = render(LogOutDialog, { props: { target: { id: "1", name }, t, ondone: nothing, onclose: nothing } });
    expectIsolated(dialog.container, name);
    expect(dialog.container.querySelector("#log-out-title")?.textContent?.trim()).toBe(`Log out of ${name}?`);
    cleanup();
    const panel = render(SignInPanel, { status: { state: "done", account: "1" }, accountName: name, t, oncancel: nothing, onclose: nothing, onretry: nothing });
    expectIsolated(panel.container, name);
    expect(panel.container.querySelector("#sign-in-message")?.textContent?.trim()).toBe(`Signed in as ${name}.`);
  });
});
