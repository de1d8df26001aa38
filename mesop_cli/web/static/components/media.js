// Links and pictures, as runtime/components/media.py: `link`, `icon` and `image`
// (me.plot draws an image).

import { setText } from "../core/dom.js";
import { navigate } from "../core/transport.js";

export const build = {
  link: function () {
    var el = document.createElement("a");
    el.className = "mesop-link";
    el.addEventListener("click", function (ev) {
      // A link to another page of this app moves there without reloading the page.
      var url = el.getAttribute("href") || "";
      if (url.charAt(0) === "/" && url.charAt(1) !== "/" && el.target !== "_blank") {
        ev.preventDefault();
        navigate(url);
      }
    });
    return el;
  },
  icon: function () {
    // The name is drawn by the bundled icon font's ligatures and read out as the name.
    var el = document.createElement("span");
    el.className = "mesop-icon";
    el.setAttribute("role", "img");
    return el;
  },
  image: function () { return document.createElement("img"); },
};

export const update = {
  link: function (el, node) {
    setText(el, node.p.text || "");
    el.href = node.p.url || "#";
    if (node.p.open_in_new_tab) { el.target = "_blank"; el.rel = "noopener noreferrer"; }
    else { el.removeAttribute("target"); el.removeAttribute("rel"); }
  },
  icon: function (el, node) {
    setText(el, node.p.icon || "");
    el.setAttribute("aria-label", node.p.icon || "");
  },
  image: function (el, node) {
    // The server let through only http(s), relative and data:image URLs.
    if (el.getAttribute("src") !== node.p.src) el.setAttribute("src", node.p.src);
    el.alt = node.p.alt || "";
  },
};
