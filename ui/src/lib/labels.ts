// Which string names each backend enum value.
import type { Badge, Premium } from "./api";
import type { Key } from "./i18n";

export const badgeLabel: Record<Badge, Key> = {
  staff: "badgeStaff",
  partner: "badgePartner",
  hypesquad: "badgeHypesquad",
  bug_hunter_level1: "badgeBugHunter1",
  hypesquad_bravery: "badgeBravery",
  hypesquad_brilliance: "badgeBrilliance",
  hypesquad_balance: "badgeBalance",
  premium_early_supporter: "badgeEarlySupporter",
  bug_hunter_level2: "badgeBugHunter2",
  verified_bot: "badgeVerifiedBot",
  verified_developer: "badgeVerifiedDeveloper",
  certified_moderator: "badgeModerator",
  active_developer: "badgeActiveDeveloper",
};

export const premiumLabel: Record<Premium, Key> = {
  none: "premiumNone",
  nitro_classic: "premiumNitroClassic",
  nitro: "premiumNitro",
  nitro_basic: "premiumNitroBasic",
  other: "premiumOther",
  // Discord only tells partner apps (scope identify.premium); elsewhere it always says "none".
  unknown: "premiumUnknown",
};

/** Where "Open Discord" and "Manage in Discord" go: Discord in the browser. */
export const discordAppUrl = "https://discord.com/channels/@me";
