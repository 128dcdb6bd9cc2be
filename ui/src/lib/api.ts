// The window's only door to the backend: typed wrappers over Tauri commands and events. The
// types come from the Rust models (src/lib/bindings, generated), so a change on either side
// shows up here.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { AppView } from "./bindings/AppView";
import type { Notice } from "./bindings/Notice";
import type { SetupInput } from "./bindings/SetupInput";
import type { CommandError } from "./bindings/CommandError";
import type { SetupPreview } from "./bindings/SetupPreview";
import type { PageTimes } from "./bindings/PageTimes";
import type { AccountsView } from "./bindings/AccountsView";
import type { AccountSummary } from "./bindings/AccountSummary";
import type { ActiveAccount } from "./bindings/ActiveAccount";
import type { AccountStatus } from "./bindings/AccountStatus";
import type { SignInStatus } from "./bindings/SignInStatus";
import type { SnapshotView } from "./bindings/SnapshotView";
import type { UserView } from "./bindings/UserView";
import type { ConnectionView } from "./bindings/ConnectionView";
import type { GuildView } from "./bindings/GuildView";
import type { Section } from "./bindings/Section";
import type { Badge } from "./bindings/Badge";
import type { Premium } from "./bindings/Premium";
import type { ChangesView } from "./bindings/ChangesView";
import type { ChangeView } from "./bindings/ChangeView";
import type { NotifySettings } from "./bindings/NotifySettings";

export type {
  AppView,
  Notice,
  SetupInput,
  SetupPreview,
  CommandError,
  AccountsView,
  AccountSummary,
  ActiveAccount,
  AccountStatus,
  SignInStatus,
  SnapshotView,
  UserView,
  ConnectionView,
  GuildView,
  Section,
  Badge,
  Premium,
  ChangesView,
  ChangeView,
  NotifySettings,
};

/** The languages the window speaks; null follows the system. */
export type LanguageChoice = "en" | "fr" | null;

export function appView(): Promise<AppView> {
  return invoke<AppView>("app_view");
}

/** Where the backend puts the view it built the window with (`gui/window.rs`). */
const FIRST_VIEW_GLOBAL = "__LINKCORD_FIRST_VIEW__";

/**
 * The view the window was built with, so the first screen needs no round trip; taken once.
 * Null when there is none, and on a reload, where it would be as old as the window.
 */
export function takeFirstView(scope: Record<string, unknown> = globalThis, timing: Pick<Performance, "getEntriesByType"> = performance): AppView | null {
  const view = scope[FIRST_VIEW_GLOBAL] as AppView | undefined;
  delete scope[FIRST_VIEW_GLOBAL];
  const navigation = timing.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
  return view && navigation?.type !== "reload" && navigation?.type !== "back_forward" ? view : null;
}

/** Tells the backend the first screen is painted, so the work it held back may start, and
 *  when the page reached each point of its start (for the backend's start-up log). */
export function firstScreenDrawn(): Promise<void> {
  return invoke<void>("first_screen_drawn", { page: pageTimes() });
}

/** Where the page's own start marks are named: `linkcord:<stage>`. */
const MARK_PREFIX = "linkcord:";

/**
 * The page's navigation start and its `linkcord:*` marks, in Unix milliseconds; null if the
 * engine gives no usable clock. Only finite numbers: JSON would turn another into null, the
 * backend would refuse the call, and the work waiting for the first screen would wait longer.
 */
export function pageTimes(timing: Pick<Performance, "timeOrigin" | "getEntriesByType"> = performance): PageTimes | null {
  const origin = timing.timeOrigin;
  if (!Number.isFinite(origin)) return null;
  const marks = timing
    .getEntriesByType("mark")
    .filter((m) => m.name.startsWith(MARK_PREFIX) && Number.isFinite(m.startTime))
    .map((m) => ({ name: m.name.slice(MARK_PREFIX.length), at: origin + m.startTime }));
  return { origin, marks };
}

export function saveSetup(input: SetupInput): Promise<AppView> {
  return invoke<AppView>("save_setup", { input });
}

export function previewSetup(input: SetupInput): Promise<SetupPreview> {
  return invoke<SetupPreview>("preview_setup", { input });
}

export function takeNotices(): Promise<Notice[]> {
  return invoke<Notice[]>("take_notices");
}

export function accountsView(): Promise<AccountsView> {
  return invoke<AccountsView>("accounts_view");
}

export function switchAccount(id: string): Promise<AccountsView> {
  return invoke<AccountsView>("switch_account", { id });
}

/** Refreshes one account (null: the active one); resolves when the refresh is over. */
export function refreshAccount(id: string | null): Promise<AccountsView> {
  return invoke<AccountsView>("refresh_account", { id });
}

export function startSignIn(): Promise<SignInStatus> {
  return invoke<SignInStatus>("start_sign_in");
}

export function cancelSignIn(): Promise<void> {
  return invoke<void>("cancel_sign_in");
}

/** Tells Discord to end the sign-in, then forgets the account. Fails with "revoke-failed"
 *  when Discord cannot be reached; the account is then still here. */
export function logOut(id: string): Promise<AccountsView> {
  return invoke<AccountsView>("log_out", { id });
}

/** Forgets an account on this computer only, without telling Discord. */
export function forgetLocally(id: string): Promise<AccountsView> {
  return invoke<AccountsView>("forget_locally", { id });
}

export function logOutAll(): Promise<AccountsView> {
  return invoke<AccountsView>("log_out_all");
}

export function setStartAtLogin(enabled: boolean): Promise<AppView> {
  return invoke<AppView>("set_start_at_login", { enabled });
}

/** The background refresh interval (minutes, 0 = off) and which changes are notified. */
export function setWatching(refreshMinutes: number, notify: NotifySettings): Promise<AppView> {
  return invoke<AppView>("set_watching", { refreshMinutes, notify });
}

export function setLanguage(language: LanguageChoice): Promise<AppView> {
  return invoke<AppView>("set_language", { language });
}

/** The "What changed" view of an account, newest first. */
export function accountChanges(id: string): Promise<ChangesView> {
  return invoke<ChangesView>("account_changes", { id });
}

/** Marks the account's changes as seen (its badge goes); returns the new accounts view. */
export function markChangesSeen(id: string): Promise<AccountsView> {
  return invoke<AccountsView>("mark_changes_seen", { id });
}

/** The window event `openExternal` raises when a link could not be opened; its detail is the URL. */
export const OPEN_FAILED_EVENT = "linkcord:open-failed";

/** Opens a web page in the system browser, never inside the window. When that fails (an
 *  address outside what the window may open, or no browser set up on the desktop) the window
 *  is told through OPEN_FAILED_EVENT, so every link button gets the same notice. */
export async function openExternal(url: string): Promise<void> {
  try {
    await invoke<void>("open_link", { url });
  } catch (e) {
    console.warn(`could not open ${url}: ${errorMessage(e)}`);
    window.dispatchEvent(new CustomEvent<string>(OPEN_FAILED_EVENT, { detail: url }));
  }
}

/** Calls `onFailed` with the URL of each link that could not be opened; returns how to stop. */
export function watchOpenFailures(onFailed: (url: string) => void): () => void {
  const listener = (event: Event) => onFailed((event as CustomEvent<string>).detail);
  window.addEventListener(OPEN_FAILED_EVENT, listener);
  return () => window.removeEventListener(OPEN_FAILED_EVENT, listener);
}

/** Calls `onNotices` with each batch of notices, now and whenever the backend raises more. */
export async function watchNotices(onNotices: (n: Notice[]) => void): Promise<UnlistenFn> {
  const unlisten = await listen("notices", async () => onNotices(await takeNotices()));
  onNotices(await takeNotices());
  return unlisten;
}

/** Follows account changes made anywhere: the tray, a link, the CLI, a refresh, a sign-in. */
export function watchAccounts(onAccounts: (v: AccountsView) => void): Promise<UnlistenFn> {
  return listen<AccountsView>("accounts", (event) => onAccounts(event.payload));
}

/** Follows a sign-in as it moves on. */
export function watchSignIn(onStatus: (s: SignInStatus) => void): Promise<UnlistenFn> {
  return listen<SignInStatus>("sign-in", (event) => onStatus(event.payload));
}

/** The message of a failed command, whatever shape the failure took. */
export function errorMessage(e: unknown): string {
  if (e && typeof e === "object" && "message" in e) return String((e as CommandError).message);
  return String(e);
}

/** The kind of a failed command, when the backend said. */
export function errorKind(e: unknown): CommandError["kind"] | null {
  if (e && typeof e === "object" && "kind" in e) return (e as CommandError).kind;
  return null;
}
