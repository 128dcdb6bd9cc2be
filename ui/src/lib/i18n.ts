// The window's strings in English and French. The language follows the saved setting, or the
// system's when none is saved; every key must exist in both (a unit test checks it).

const en = {
  appName: "Linkcord",
  setupTitle: "Connect Linkcord to your Discord application",
  setupIntro:
    "Linkcord signs you in with a Discord application that you create once in Discord's developer portal. Paste its Application ID below.",
  clientId: "Application (client) ID",
  clientIdHelp: "Developer portal → your application → OAuth2 → Client ID.",
  redirectMode: "How Discord sends you back",
  redirectLoopback: "Through this computer (http://127.0.0.1) — recommended",
  redirectDeepLink: "Through a link opened by the system (discord-<id>:/authorize/callback)",
  port: "Port",
  portHelp: "0 lets Linkcord pick a free port; then register the address without a port.",
  registerThis: "Add this redirect address in the portal (OAuth2 → Redirects):",
  registerNeedsId: "Enter the Application ID to see the address to register.",
  publicClient:
    "Also turn on “Public Client” in the portal, so Linkcord can sign in without a client secret.",
  copy: "Copy",
  copied: "Copied",
  save: "Save and continue",
  saving: "Saving…",
  accountsTitle: "Your Discord accounts",
  noAccounts: "No account yet. Sign in with Discord to add your first one.",
  editSetup: "Discord application settings",
  dismiss: "Dismiss",
  notices: "Messages",
  errorPrefix: "Something went wrong:",
};

export type Key = keyof typeof en;
export type Lang = "en" | "fr";

const fr: Record<Key, string> = {
  appName: "Linkcord",
  setupTitle: "Reliez Linkcord à votre application Discord",
  setupIntro:
    "Linkcord vous connecte grâce à une application Discord que vous créez une fois dans le portail des développeurs de Discord. Collez son identifiant d’application ci-dessous.",
  clientId: "Identifiant de l’application (client)",
  clientIdHelp: "Portail des développeurs → votre application → OAuth2 → Client ID.",
  redirectMode: "Comment Discord vous renvoie",
  redirectLoopback: "Par cet ordinateur (http://127.0.0.1) — recommandé",
  redirectDeepLink: "Par un lien ouvert par le système (discord-<id>:/authorize/callback)",
  port: "Port",
  portHelp: "0 laisse Linkcord choisir un port libre ; enregistrez alors l’adresse sans port.",
  registerThis: "Ajoutez cette adresse de redirection dans le portail (OAuth2 → Redirects) :",
  registerNeedsId: "Saisissez l’identifiant de l’application pour voir l’adresse à enregistrer.",
  publicClient:
    "Activez aussi « Public Client » dans le portail, pour que Linkcord se connecte sans secret client.",
  copy: "Copier",
  copied: "Copié",
  save: "Enregistrer et continuer",
  saving: "Enregistrement…",
  accountsTitle: "Vos comptes Discord",
  noAccounts: "Aucun compte pour l’instant. Connectez-vous avec Discord pour ajouter le premier.",
  editSetup: "Réglages de l’application Discord",
  dismiss: "Fermer",
  notices: "Messages",
  errorPrefix: "Un problème est survenu :",
};

const dictionaries: Record<Lang, Record<Key, string>> = { en, fr };

/** Picks the language: the saved choice, else the first system language we speak. */
export function pickLang(saved: string | null | undefined, system: readonly string[]): Lang {
  if (saved === "en" || saved === "fr") return saved;
  for (const tag of system) {
    const base = tag.toLowerCase().split("-")[0];
    if (base === "fr" || base === "en") return base;
  }
  return "en";
}

export function translator(lang: Lang): (key: Key) => string {
  const dict = dictionaries[lang];
  return (key) => dict[key];
}

export const allDictionaries = dictionaries;
