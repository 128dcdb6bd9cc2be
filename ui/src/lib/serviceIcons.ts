// Brand icons for the connection services, keyed by the simple-icons slug the backend's
// catalogue gives (`icon_key`). Only these icons are imported, one by one, so the bundle
// carries a couple of dozen paths instead of the whole library.
import {
  siBattledotnet,
  siBluesky,
  siBungie,
  siCrunchyroll,
  siEbay,
  siEpicgames,
  siFacebook,
  siGithub,
  siInstagram,
  siLeagueoflegends,
  siMastodon,
  siPaypal,
  siPlaystation,
  siReddit,
  siRiotgames,
  siRoblox,
  siSpotify,
  siSteam,
  siTiktok,
  siTwitch,
  siX,
  siYoutube,
} from "simple-icons";

export type ServiceIcon = { path: string; hex: string };

const known = [
  siBattledotnet,
  siBluesky,
  siBungie,
  siCrunchyroll,
  siEbay,
  siEpicgames,
  siFacebook,
  siGithub,
  siInstagram,
  siLeagueoflegends,
  siMastodon,
  siPaypal,
  siPlaystation,
  siReddit,
  siRiotgames,
  siRoblox,
  siSpotify,
  siSteam,
  siTiktok,
  siTwitch,
  siX,
  siYoutube,
];

const bySlug = new Map<string, ServiceIcon>(known.map((i) => [i.slug, { path: i.path, hex: `#${i.hex}` }]));

/** The icon for a slug, or null when the window should draw its neutral icon. */
export function serviceIcon(slug: string | null): ServiceIcon | null {
  return (slug && bySlug.get(slug)) || null;
}

/** Whether a glyph drawn on this brand colour should be dark to stay readable. */
export function needsDarkGlyph(hex: string): boolean {
  const n = parseInt(hex.replace("#", ""), 16);
  const channel = (shift: number) => {
    const c = ((n >> shift) & 0xff) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0);
  // Above this luminance black text contrasts better than white (WCAG contrast crossover).
  return luminance > 0.179;
}
