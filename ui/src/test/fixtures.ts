// Sample backend data for the UI tests, shaped like the generated bindings.
import type { AccountSummary, AccountsView, AppView, ConnectionView, GuildView, SnapshotView, UserView } from "../lib/api";

export function user(over: Partial<UserView> = {}): UserView {
  return {
    id: "100",
    username: "nelly",
    display_name: "Nelly",
    legacy_tag: null,
    avatar_url: "http://asset.localhost/avatars/100.png",
    banner_url: null,
    accent_color: "#5865f2",
    badges: ["hypesquad_bravery", "active_developer"],
    premium: "nitro",
    email: "nelly@example.com",
    email_verified: true,
    locale: "fr",
    mfa_enabled: true,
    server_tag: "LC",
    ...over,
  };
}

export function connection(over: Partial<ConnectionView> = {}): ConnectionView {
  return {
    id: "c1",
    display_name: "octocat",
    type: "github",
    service_name: "GitHub",
    icon_key: "github",
    service_status: "available",
    profile_url: "https://github.com/octocat",
    verified: true,
    revoked: false,
    public: true,
    two_way_link: false,
    show_activity: false,
    friend_sync: false,
    ...over,
  };
}

export function guild(over: Partial<GuildView> = {}): GuildView {
  return {
    id: "g1",
    name: "Rust Lang",
    icon_url: null,
    owner: false,
    admin: false,
    member_count: 1200,
    online_count: 300,
    features: [],
    ...over,
  };
}

export const connections: ConnectionView[] = [
  connection(),
  connection({ id: "c2", display_name: "nellyplays", type: "twitch", service_name: "Twitch", icon_key: "twitch", public: false, verified: false, profile_url: "https://www.twitch.tv/nellyplays" }),
  connection({ id: "c3", display_name: "Alpha", type: "zune", service_name: "zune", icon_key: null, profile_url: null }),
];

export function snapshot(over: Partial<SnapshotView> = {}): SnapshotView {
  return {
    user: user(),
    connections: { status: "granted", items: connections },
    guilds: { status: "granted", items: [guild(), guild({ id: "g2", name: "Linkcord HQ", owner: true, admin: true, member_count: 1, online_count: 1 })] },
    ...over,
  };
}

/** Two accounts, Nelly active with fresh data. */
export function twoAccounts(): AccountsView {
  return {
    revision: 1,
    accounts: [
      { id: "100", username: "nelly", displayName: "Nelly", avatarUrl: null, status: "ok", active: true, recentRank: 0, unseenChanges: 0 },
      { id: "200", username: "sam", displayName: "Sam", avatarUrl: null, status: "ok", active: false, recentRank: 1, unseenChanges: 0 },
    ],
    active: { id: "100", snapshot: snapshot(), fetchedAt: "2026-11-25T10:42:00Z", status: "ok", lastError: null },
  };
}

/** The same two accounts after switching to Sam. */
export function samActive(): AccountsView {
  const base = twoAccounts();
  return {
    revision: 2,
    accounts: base.accounts.map((a) => ({ ...a, active: a.id === "200" })),
    active: {
      id: "200",
      snapshot: snapshot({ user: user({ id: "200", username: "sam", display_name: "Sam", email: "sam@example.com" }) }),
      fetchedAt: "2026-11-25T11:00:00Z",
      status: "ok",
      lastError: null,
    },
  };
}

export function appView(accounts: AccountsView, language: string | null = "en"): AppView {
  return {
    screen: "accounts",
    redirectUri: "http://127.0.0.1:53134/callback",
    startAtLogin: false,
    systemLanguage: null,
    signIn: { state: "idle" },
    accounts,
    settings: { clientId: "42", redirect: "loopback", port: 53134, scopes: ["identify", "email", "connections", "guilds"], language, refreshMinutes: 30, notify: { signIn: true, revoked: true } },
  };
}

/** Names for `manyAccounts`, with accents, other scripts and a shared first name, as a real
 *  list of accounts has them. */
const names: [string, string][] = [
  ["Ava Núñez-Gómez", "ava.nunez"],
  ["Дмитрий Орлов", "dmitri"],
  ["山田花子", "hanako_yamada"],
  ["Zoë Lefèvre", "zoe.lefevre"],
  ["Ava Stone", "ava_s"],
  ["Ömer Çelik", "omer.celik"],
];

/** `n` accounts (ids "1001", "1002", …), the first active; the sixth needs sign-in. */
export function manyAccounts(n: number): AccountsView {
  const accounts = Array.from({ length: n }, (_, i) => {
    const [displayName, username] = names[i] ?? [`Account ${i + 1}`, `user${i + 1}`];
    return {
      id: String(1001 + i),
      username,
      displayName,
      avatarUrl: null,
      status: i === 5 ? ("needs-sign-in" as const) : ("ok" as const),
      active: i === 0,
      recentRank: i,
      unseenChanges: 0,
    };
  });
  const first = accounts[0];
  return {
    revision: 1,
    accounts,
    active: {
      id: first.id,
      snapshot: snapshot({ user: user({ id: first.id, username: first.username, display_name: first.displayName }) }),
      fetchedAt: "2026-11-25T10:42:00Z",
      status: "ok",
      lastError: null,
    },
  };
}

/** `view` after a switch to `id`, one revision later: `id` is active and the most recently
 *  used, the accounts used more recently than it move one place down. */
export function switchedTo(view: AccountsView, id: string): AccountsView {
  const target = view.accounts.find((a) => a.id === id)!;
  const rank = (a: AccountSummary) => (a.id === id ? 0 : a.recentRank < target.recentRank ? a.recentRank + 1 : a.recentRank);
  return {
    revision: view.revision + 1,
    accounts: view.accounts.map((a) => ({ ...a, active: a.id === id, recentRank: rank(a) })),
    active: {
      id,
      snapshot: snapshot({ user: user({ id, username: target.username, display_name: target.displayName }) }),
      fetchedAt: "2026-11-25T11:00:00Z",
      status: target.status,
      lastError: null,
    },
  };
}
