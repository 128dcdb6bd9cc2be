// The window's only door to the backend: typed wrappers over Tauri commands. The types come
// from the Rust models (src/lib/bindings, generated), so a change on either side shows up here.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { AppView } from "./bindings/AppView";
import type { Notice } from "./bindings/Notice";
import type { SetupInput } from "./bindings/SetupInput";
import type { CommandError } from "./bindings/CommandError";
import type { SetupPreview } from "./bindings/SetupPreview";

export type { AppView, Notice, SetupInput, SetupPreview, CommandError };

export function appView(): Promise<AppView> {
  return invoke<AppView>("app_view");
}

export function saveSetup(input: SetupInput): Promise<AppView> {
  return invoke<AppView>("save_setup", { input });
}

export function takeNotices(): Promise<Notice[]> {
  return invoke<Notice[]>("take_notices");
}

/** Calls `onNotices` with each batch of notices, now and whenever the backend raises more. */
export async function watchNotices(onNotices: (n: Notice[]) => void): Promise<UnlistenFn> {
  const unlisten = await listen("notices", async () => onNotices(await takeNotices()));
  onNotices(await takeNotices());
  return unlisten;
}

/** The message of a failed command, whatever shape the failure took. */
export function errorMessage(e: unknown): string {
  if (e && typeof e === "object" && "message" in e) return String((e as CommandError).message);
  return String(e);
}

export function previewSetup(input: SetupInput): Promise<SetupPreview> {
  return invoke<SetupPreview>("preview_setup", { input });
}
