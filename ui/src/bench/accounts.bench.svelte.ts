// How the account list scales: filtering per keystroke, folding a new view's search keys, and
// the list following a switch (a new accounts view), with 2, 20 and 100 accounts. This runs
// in happy-dom, not WebKit, so read the ratios between the sizes rather than the times.
// `npm run bench` prints the numbers; nothing here passes or fails.
import { bench, describe } from "vitest";
import { flushSync, mount } from "svelte";
import { mockIPC } from "@tauri-apps/api/mocks";
import App from "../App.svelte";
import AccountSwitcher from "../components/AccountSwitcher.svelte";
import { filterAccounts, searchKey } from "../lib/accountSearch";
import { translator } from "../lib/i18n";
import { appView, manyAccounts, switchedTo } from "../test/fixtures";
import { keepUnchanged, listed, type ListedAccount } from "../lib/reuse";

const t = translator("en");
const sizes = [2, 20, 100];

describe("filter, one keystroke", () => {
  for (const n of sizes) {
    const accounts = manyAccounts(n).accounts;
    const keys = accounts.map(searchKey);
    bench(`${n} accounts`, () => {
      filterAccounts(accounts, keys, "ava gom");
    });
  }
});

describe("fold the search keys of a new view", () => {
  for (const n of sizes) {
    const accounts = manyAccounts(n).accounts;
    bench(`${n} accounts`, () => {
      accounts.map(searchKey);
    });
  }
});

/** The list mounted with `n` accounts, and a way to hand it the view before or after a switch,
 *  as new objects (as the backend sends them) or as the accounts screen passes them on. */
function mountedList(n: number, reuse: boolean): () => void {
  const before = manyAccounts(n);
  const views = [before.accounts, switchedTo(before, String(1000 + n)).accounts];
  const props = $state<{ accounts: ListedAccount[] }>({ accounts: listed(views[0]) });
  const target = document.createElement("div");
  document.body.append(target);
  mount(AccountSwitcher, {
    target,
    props: {
      get accounts() {
        return props.accounts;
      },
      switching: null,
      activeDataTime: null,
      t,
      onswitch: () => {},
      onsignin: () => {},
    },
  });
  flushSync();
  let at = 0;
  return () => {
    at = 1 - at;
    // A fresh copy, as each view from the backend is a new object.
    const fresh = views[at].map((a) => ({ ...a }));
    props.accounts = reuse ? keepUnchanged(props.accounts, listed(fresh)) : fresh;
    flushSync();
  };
}

describe("the list follows a switch, every row a new object", () => {
  for (const n of sizes) {
    bench(`${n} accounts`, mountedList(n, false));
  }
});

describe("the list follows a switch, unchanged accounts kept (as the screen does)", () => {
  for (const n of sizes) {
    bench(`${n} accounts`, mountedList(n, true));
  }
});

describe("the list's first render", () => {
  for (const n of sizes) {
    const accounts = manyAccounts(n).accounts;
    bench(`${n} accounts`, () => {
      const target = document.createElement("div");
      mount(AccountSwitcher, {
        target,
        props: { accounts, switching: null, activeDataTime: null, t, onswitch: () => {}, onsignin: () => {} },
      });
      flushSync();
    });
  }
});

/** The whole window with `n` accounts and a mocked backend; each call clicks the next account
 *  and resolves once its name is the heading. */
function mountedWindow(n: number): () => Promise<void> {
  let current = manyAccounts(n);
  mockIPC((cmd, args) => {
    if (cmd === "app_view") return appView(current);
    if (cmd === "accounts_view") return current;
    if (cmd === "take_notices") return [];
    if (cmd === "switch_account") return (current = switchedTo(current, String((args as { id: string }).id)));
    if (cmd === "plugin:event|listen") return 1;
    return null;
  });
  const target = document.createElement("div");
  document.body.append(target);
  mount(App, { target });
  let step = 0;
  return async () => {
    step = (step + 1) % n;
    const account = current.accounts[step];
    const row = await until(() => target.querySelector<HTMLButtonElement>(`#account-list [data-account-id="${account.id}"]`));
    row.click();
    await until(() => target.querySelector("#profile-display-name")?.textContent === account.displayName || null);
  };
}

/** Polls `found` on each microtask and macrotask until it gives something. */
async function until<T>(found: () => T | null | undefined): Promise<T> {
  for (;;) {
    const value = found();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

describe("the window, click to heading", () => {
  for (const n of sizes) {
    const next = mountedWindow(n);
    bench(`${n} accounts`, next, { iterations: 20, warmupIterations: 3 });
  }
});
