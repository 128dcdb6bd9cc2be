import { describe, expect, it } from "vitest";
import { pageTimes, takeFirstView } from "./api";
import { appView, twoAccounts } from "../test/fixtures";

const GLOBAL = "__LINKCORD_FIRST_VIEW__";

/** Navigation timing as after a page load of `type`. */
function loaded(type: string) {
  return { getEntriesByType: () => [{ type }] as unknown as PerformanceEntryList };
}

describe("the view the window was built with", () => {
  it("is taken once, on the page's first load", () => {
    const view = appView(twoAccounts());
    const scope: Record<string, unknown> = { [GLOBAL]: view };
    expect(takeFirstView(scope, loaded("navigate"))).toBe(view);
    expect(GLOBAL in scope).toBe(false);
    expect(takeFirstView(scope, loaded("navigate"))).toBeNull();
  });

  it("is not used after a reload, where it would be as old as the window", () => {
    for (const type of ["reload", "back_forward"]) {
      const scope: Record<string, unknown> = { [GLOBAL]: appView(twoAccounts()) };
      expect(takeFirstView(scope, loaded(type))).toBeNull();
      expect(GLOBAL in scope).toBe(false);
    }
  });

  it("is null when the window was built without one", () => {
    expect(takeFirstView({}, loaded("navigate"))).toBeNull();
  });
});

describe("pageTimes", () => {
  it("gives the page's own marks on the wall clock, and no one else's", () => {
    const entries = [
      { name: "linkcord:script", startTime: 40.5 },
      { name: "someone-else", startTime: 50 },
      { name: "linkcord:mounted", startTime: 120.25 },
    ];
    const timing = {
      timeOrigin: 1_000_000,
      getEntriesByType: (type: string) => (type === "mark" ? entries : []) as PerformanceEntryList,
    };
    expect(pageTimes(timing)).toEqual({
      origin: 1_000_000,
      marks: [
        { name: "script", at: 1_000_040.5 },
        { name: "mounted", at: 1_000_120.25 },
      ],
    });
  });

  it("sends no number JSON cannot carry", () => {
    const entries = [{ name: "linkcord:script", startTime: Number.NaN }, { name: "linkcord:mounted", startTime: 5 }];
    const timing = { timeOrigin: 100, getEntriesByType: () => entries as PerformanceEntryList };
    expect(pageTimes(timing)).toEqual({ origin: 100, marks: [{ name: "mounted", at: 105 }] });
    expect(pageTimes({ timeOrigin: Number.NaN, getEntriesByType: () => [] })).toBeNull();
  });
});
