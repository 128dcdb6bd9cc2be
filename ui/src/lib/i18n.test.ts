import { describe, expect, it } from "vitest";
import { allDictionaries, pickLang, systemLanguages, translator } from "./i18n";

describe("i18n", () => {
  it("has every English string in French, and none empty", () => {
    const en = Object.keys(allDictionaries.en).sort();
    const fr = Object.keys(allDictionaries.fr).sort();
    expect(fr).toEqual(en);
    for (const dict of Object.values(allDictionaries)) {
      for (const value of Object.values(dict)) expect(value.trim()).not.toBe("");
    }
  });

  it("prefers the saved language, then the system's, then English", () => {
    expect(pickLang("fr", ["en-US"])).toBe("fr");
    expect(pickLang(null, ["de-DE", "fr-CA", "en"])).toBe("fr");
    expect(pickLang(undefined, ["de-DE"])).toBe("en");
    expect(pickLang("system", ["FR"])).toBe("fr");
  });

  it("takes the system language the backend read before the web engine's", () => {
    // A French system whose French locale is not installed: the engine falls back to en-US.
    const engine = { languages: ["en-US"], language: "en-US" };
    expect(pickLang(null, systemLanguages("fr", engine))).toBe("fr");
    expect(pickLang("en", systemLanguages("fr", engine))).toBe("en");
    expect(pickLang(null, systemLanguages(null, { languages: ["fr-FR"], language: "fr-FR" }))).toBe("fr");
    expect(systemLanguages(null, { language: "de-DE" })).toEqual(["de-DE"]);
  });

  it("translates", () => {
    expect(translator("fr")("save")).toBe("Enregistrer et continuer");
    expect(translator("en")("save")).toBe("Save and continue");
  });

  it("makes words agree with counts, by each language's rule, with no \"(s)\" left", () => {
    const en = translator("en");
    const fr = translator("fr");
    expect(en("changesBadge", { count: 1 })).toBe("1 unseen change");
    expect(en("changesBadge", { count: 3 })).toBe("3 unseen changes");
    expect(fr("changesNew", { count: 1 })).toBe("1 nouveau");
    expect(fr("changesNew", { count: 4 })).toBe("4 nouveaux");
    expect(fr("changesBadge", { count: 0 })).toBe("0 changement non vu");
    expect(fr("changesBadge", { count: 2 })).toBe("2 changements non vus");
    for (const dict of Object.values(allDictionaries)) {
      for (const value of Object.values(dict)) expect(value).not.toMatch(/\((s|x)\)/);
    }
  });

  it("fills placeholders, and leaves unknown ones visible", () => {
    expect(translator("en")("offlineMarker", { time: "10:42" })).toBe("Offline — showing data from 10:42");
    expect(translator("fr")("shownCount", { shown: 2, total: 5 })).toBe("2 sur 5 affichés");
    expect(translator("en")("signInDone")).toBe("Signed in as {name}.");
  });

  it("uses the same placeholders in both languages", () => {
    const names = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const [key, text] of Object.entries(allDictionaries.en)) {
      expect(names(allDictionaries.fr[key as keyof typeof allDictionaries.en]), key).toEqual(names(text));
    }
  });
});
