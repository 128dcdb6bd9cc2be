// The sentence of one change in the "What changed" view. The backend sends the kind (stable,
// snake_case, as in `linkcord changes --json`) and the names; the words are the window's. Names
// come from Discord, so each is isolated (bidi.ts) before it goes into a sentence.
import type { ChangeView } from "./api";
import type { Key, Translate } from "./i18n";
import { isolate } from "./bidi";

const sentences: Record<string, Key> = {
  connection_added: "changeConnectionAdded",
  connection_removed: "changeConnectionRemoved",
  connection_revoked: "changeConnectionRevoked",
  connection_restored: "changeConnectionRestored",
  connection_verified: "changeConnectionVerified",
  connection_unverified: "changeConnectionUnverified",
  connection_visibility_changed: "changeConnectionVisibility",
  guild_joined: "changeGuildJoined",
  guild_left: "changeGuildLeft",
  guild_ownership_gained: "changeGuildOwnershipGained",
  guild_ownership_lost: "changeGuildOwnershipLost",
  display_name_changed: "changeDisplayName",
  username_changed: "changeUsername",
  avatar_changed: "changeAvatar",
  email_changed: "changeEmail",
  needs_sign_in: "changeNeedsSignIn",
  sign_in_restored: "changeSignInRestored",
};

/** The sentence for `change`, in the language of `t`. A kind this window does not know yet
 *  still gets a sentence naming it. */
export function describeChange(change: ChangeView, t: Translate): string {
  const key = sentences[change.kind];
  if (!key) return t("changeUnknown", { kind: change.kind });
  const value = (v: string | null) => (v === null ? t("changeNone") : isolate(v));
  const visibility = (v: string | null) =>
    v === "public" ? t("changeVisibilityPublic") : v === "private" ? t("changeVisibilityPrivate") : value(v);
  return t(key, {
    service: change.service ?? "",
    name: value(change.subject),
    from: change.kind === "connection_visibility_changed" ? visibility(change.from) : value(change.from),
    to: change.kind === "connection_visibility_changed" ? visibility(change.to) : value(change.to),
  });
}
