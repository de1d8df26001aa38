// mesop-cli client: renders the server's component tree and sends events.
// Plain JavaScript modules served as they are: no build step, nothing from elsewhere.
//
//   core/      the page (boot, status), the session (session), events and the server's
//              answers (transport), JSON Patch (patch), the tree (render), what a
//              render does besides (browser: title, theme, query, commands), the
//              helpers the families share (dom, form_field), and in dev the page
//              following the code (live_reload) and the error dialog (error_dialog)
//   components/ one module per family of runtime/components/, each exporting
//              `build` and `update` for the node types that Python module emits
//
// This entry registers the families and wires the page's own events.

import * as buttons from "./components/buttons.js";
import * as choices from "./components/choices.js";
import * as containers from "./components/containers.js";
import * as embedded from "./components/embedded.js";
import * as fields from "./components/fields.js";
import * as layout from "./components/layout.js";
import * as media from "./components/media.js";
import * as pickers from "./components/pickers.js";
import * as progress from "./components/progress.js";
import * as table from "./components/table.js";
import * as text from "./components/text.js";
import * as uploader from "./components/uploader.js";
import * as webComponent from "./components/web_component.js";
import { applyTheme, darkQuery } from "./core/browser.js";
import { followCode } from "./core/live_reload.js";
import { register } from "./core/render.js";
import { claimStoredSession, session } from "./core/session.js";
import { enqueue, refreshWaiting } from "./core/transport.js";

// runtime/components/user.py (@me.component, slots) emits no node type of its own.
register("buttons", buttons);
register("choices", choices);
register("containers", containers);
register("embedded", embedded);
register("fields", fields);
register("layout", layout);
register("media", media);
register("pickers", pickers);
register("progress", progress);
register("table", table);
register("text", text);
register("uploader", uploader);
register("web_component", webComponent);

// A change of colour scheme or viewport redraws the page (me.theme_brightness(),
// me.viewport_size()): one redraw for a burst of resizes; one waiting in the queue is enough.
const REFRESH_DELAY_MS = 200;
let refreshTimer = null;

function requestRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(function () {
    if (refreshWaiting()) return;
    enqueue({ path: location.pathname, event: null, refresh: true });
  }, REFRESH_DELAY_MS);
}

if (darkQuery && darkQuery.addEventListener) {
  darkQuery.addEventListener("change", function () {
    applyTheme(null);
    requestRefresh();
  });
}
window.addEventListener("resize", requestRefresh);
// Paint the session's theme before the first render arrives (no light flash on reload).
applyTheme(session.state && session.state["#theme"]);

window.addEventListener("popstate", function () { enqueue({ path: location.pathname, event: null }); });
claimStoredSession().then(function () { enqueue({ path: location.pathname, event: null }); });
// Dev: a save of the app redraws the page with the new code (core/live_reload.js).
followCode();
