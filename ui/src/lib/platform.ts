// Which desktop the page runs on, as far as the page's look depends on it.

/** "linux" under WebKitGTK, else "other" (macOS's WKWebView, Windows' WebView2). */
export type Platform = "linux" | "other";

export function platformOf(nav: { platform?: string; userAgent: string }): Platform {
  const name = nav.platform || nav.userAgent;
  return /Linux/.test(name) && !/Android/.test(nav.userAgent) ? "linux" : "other";
}

/**
 * Marks the page's root with its platform (`data-platform`), for the styles that differ:
 * before the first layout, so it is laid out once with the right fonts.
 */
export function markPlatform(root: HTMLElement = document.documentElement, nav: { platform?: string; userAgent: string } = navigator): void {
  root.dataset.platform = platformOf(nav);
}
