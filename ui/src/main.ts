import { mount } from "svelte";
import App from "./App.svelte";
import { markPlatform } from "./lib/platform";
import "./styles.css";

// For scripts/bench-app.sh: when the bundle had loaded and run (imports run first), to split
// the start in the page into loading the script, the app view's round trip and drawing.
performance.mark("linkcord:script");

markPlatform();
mount(App, { target: document.getElementById("app")! });
performance.mark("linkcord:mounted");
