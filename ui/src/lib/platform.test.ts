import { describe, expect, it } from "vitest";
import { markPlatform, platformOf } from "./platform";

describe("platformOf", () => {
  it("tells WebKitGTK on Linux from the other desktops' web views", () => {
    expect(platformOf({ platform: "Linux x86_64", userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15" })).toBe("linux");
    expect(platformOf({ platform: "", userAgent: "Mozilla/5.0 (X11; Linux aarch64) AppleWebKit/605.1.15" })).toBe("linux");
    expect(platformOf({ platform: "MacIntel", userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15" })).toBe("other");
    expect(platformOf({ platform: "Win32", userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/120.0" })).toBe("other");
    expect(platformOf({ platform: "Linux armv8l", userAgent: "Mozilla/5.0 (Linux; Android 14)" })).toBe("other");
  });
});

describe("markPlatform", () => {
  it("sets the root's data-platform, which the styles read", () => {
    const root = document.createElement("html");
    markPlatform(root, { platform: "Linux x86_64", userAgent: "X11; Linux x86_64" });
    expect(root.dataset.platform).toBe("linux");
    markPlatform(root, { platform: "MacIntel", userAgent: "Macintosh" });
    expect(root.dataset.platform).toBe("other");
  });
});
