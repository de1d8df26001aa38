// Text on the page, as runtime/components/text.py: `text`, `markdown` and `html`.

import { setText, trustedHTML } from "../core/dom.js";

// The only style inside me.html's shadow roots, shared by all: the sandbox frame filling
// its box (links keep the browser's colours, as in Mesop's page). mesop.css makes the
// host itself a paint-contained box.
let htmlSheet = null;
function htmlShadowSheet() {
  if (!htmlSheet) {
    htmlSheet = new CSSStyleSheet();
    htmlSheet.replaceSync("iframe { width: 100%; height: 100%; border: 0; display: block; }");
  }
  return htmlSheet;
}

export const build = {
  text: function (node) { return document.createElement(node.p.tag || "p"); },
  markdown: function () { var el = document.createElement("div"); el.className = "mesop-markdown"; return el; },
  html: function () {
    var el = document.createElement("div");
    el.__mesopChildren = false;
    // The markup lives in a shadow root: the page's stylesheets stop at its edge, so no
    // class or selector of the page (the side nav's fixed, z-indexed ones) reaches it.
    var root = el.attachShadow({ mode: "open" });
    if (root.adoptedStyleSheets) root.adoptedStyleSheets = [htmlShadowSheet()];
    return el;
  },
};

export const update = {
  text: function (el, node) {
    // The type's look (Mesop's type scale) is mesop.css's .mesop-text-<type>.
    el.className = "mesop-text mesop-text-" + (node.p.type || "default");
    setText(el, String(node.p.text == null ? "" : node.p.text));
  },
  markdown: function (el, node) {
    // Sanitized on the server: markdown-it with raw HTML disabled.
    if (el.__html !== node.p.html) { el.innerHTML = trustedHTML(node.p.html); el.__html = node.p.html; }
  },
  html: function (el, node) {
    var p = node.p;
    var root = el.shadowRoot;
    if (el.__mode !== p.mode) { el.__mode = p.mode; el.__html = undefined; root.textContent = ""; }
    el.className = "mesop-html mesop-html-" + p.mode;
    if (el.__html === p.html) return;
    el.__html = p.html;
    if (p.mode === "sandboxed") {
      // Its own opaque origin: what runs in it cannot reach this page, its cookies or state.
      var frame = root.firstChild;
      if (!frame) {
        frame = document.createElement("iframe");
        frame.setAttribute("sandbox", "allow-scripts");
        frame.title = "Embedded content";
        root.appendChild(frame);
      }
      frame.srcdoc = trustedHTML(p.html);
    } else {
      // Cleaned on the server against an allow-list (mesop_cli/runtime/safe_html.py).
      root.innerHTML = trustedHTML(p.html);
    }
  },
};
