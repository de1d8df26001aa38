// What a render does to the browser besides the tree: the page title, the theme, the
// URL's query, and commands (scroll, focus, open a URL). And what every request tells
// the server of the browser: its colour scheme, viewport and query.

import { elementWithKey } from "./render.js";

// ---- page title ----------------------------------------------------------------------
// me.set_page_title lasts until the tab moves to another page.
let titleSet = false;

export function applyTitle(message, moved) {
  if (message.page_title != null) { document.title = message.page_title; titleSet = true; }
  else if (moved || !titleSet) document.title = message.title || document.title;
}

// ---- theme/viewport --------------------------------------------------------------------
// The theme is the session's (me.set_theme_mode); each render says which. The browser's
// colour-scheme preference and viewport go with every request (me.theme_brightness(),
// me.viewport_size()), and a change of either redraws the page, as in Mesop (client.js
// asks for the redraw).

export const darkQuery = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
let theme = { mode: "light", density: 0 };

function prefersDark() { return !!(darkQuery && darkQuery.matches); }

export function addBrowserHints(body, item) {
  body.scheme = prefersDark() ? "dark" : "light";
  body.viewport = { width: window.innerWidth, height: window.innerHeight };
  if (item.refresh) body.refresh = true;
}

export function applyTheme(given) {
  if (given && typeof given === "object") {
    theme = { mode: given.mode, density: typeof given.density === "number" ? given.density : 0 };
  }
  var dark = theme.mode === "dark" || (theme.mode === "system" && prefersDark());
  document.documentElement.classList.toggle("mesop-theme-dark", dark);
  document.documentElement.style.setProperty("--mesop-density", String(theme.density));
}

// ---- commands ------------------------------------------------------------------------

function focusElement(el) {
  var target = el.__control || el;
  target.focus();
  if (document.activeElement === target) return;
  // A box or wrapper: its first focusable element.
  var inner = el.querySelector("input, textarea, select, button, a[href], [tabindex]");
  if (inner) inner.focus();
}

// me.navigate to another site, or with open_in_new_tab. Only http(s) addresses are
// followed (the server refuses others too), so no javascript: URL runs in this page.
function openUrl(command) {
  var url;
  try { url = new URL(String(command.url), location.href); } catch (e) { return; }
  if (url.protocol !== "http:" && url.protocol !== "https:") return;
  if (command.target === "_blank") window.open(url.href, "_blank", "noopener");
  else location.assign(url.href);
}

// Commands of me.scroll_into_view / me.focus_component, run once the render is in the
// page. A key no component has is ignored, as is a command this client does not know.
export function runCommands(commands) {
  if (!Array.isArray(commands)) return;
  commands.forEach(function (command) {
    if (command && command.type === "open_url") return openUrl(command);
    var el = command && elementWithKey(command.key);
    if (!el) return;
    if (command.type === "scroll_into_view") {
      var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      el.scrollIntoView({ behavior: reduce ? "auto" : "smooth", block: "start" });
    } else if (command.type === "focus_component") {
      focusElement(el);
    }
  });
}

// ---- query params --------------------------------------------------------------------
// me.query_params is the URL's query: every request carries it, as the [key, value]
// pairs URLSearchParams decodes, so a handler sees the URL as it is now (edited by hand,
// or changed by an earlier render). A render whose handler changed it (or that follows
// me.navigate) carries the whole new query, put in the URL keeping its path, without a
// reload or a new history entry, as in Mesop.

export function currentQuery() {
  var pairs = [];
  new URLSearchParams(location.search).forEach(function (value, key) { pairs.push([key, value]); });
  return pairs;
}

export function applyQuery(pairs) {
  if (!Array.isArray(pairs)) return;
  var search = new URLSearchParams();
  pairs.forEach(function (pair) { search.append(String(pair[0]), String(pair[1])); });
  var text = search.toString();
  var url = location.pathname + (text ? "?" + text : "") + location.hash;
  if (url !== location.pathname + location.search + location.hash) {
    history.replaceState(history.state, "", url);
  }
}
