// Layout, as runtime/components/layout.py: `box`, `divider`, `sidenav` and `tooltip`
// (which wraps what it describes).

import { root } from "../core/boot.js";
import { classed, setText } from "../core/dom.js";
import { fire } from "../core/transport.js";

// Where a click happened, as Mesop's ClickEvent reports it; is_target: was the box
// itself clicked, not something in it?
function pointerAt(ev, el) {
  return { is_target: ev.target === el, client_x: ev.clientX, client_y: ev.clientY,
           page_x: ev.pageX, page_y: ev.pageY, offset_x: ev.offsetX, offset_y: ev.offsetY };
}

// Escape closes every open sidenav that may be closed, unless something else (an open
// suggestion list) used the key first.
document.addEventListener("keydown", function (ev) {
  if (ev.key !== "Escape" || ev.defaultPrevented) return;
  Array.prototype.forEach.call(root.querySelectorAll(".mesop-sidenav"), function (el) {
    var p = el.__mesopNode.p;
    if (!el.__open || p.disable_close) return;
    el.__open = false;
    el.classList.add("mesop-closed");
    fire(el.__mesopNode, p.on_opened_changed, "sidenav", false);
  });
});

export const build = {
  box: function () {
    var el = document.createElement("div");
    el.addEventListener("click", function (ev) {
      if (!el.__mesopNode.p.on_click) return;
      ev.stopPropagation();
      fire(el.__mesopNode, el.__mesopNode.p.on_click, "click", pointerAt(ev, el));
    });
    el.addEventListener("contextmenu", function (ev) {
      if (!el.__mesopNode.p.on_right_click) return;
      ev.preventDefault();
      ev.stopPropagation();
      fire(el.__mesopNode, el.__mesopNode.p.on_right_click, "right_click", pointerAt(ev, el));
    });
    return el;
  },
  divider: function () { var el = document.createElement("hr"); el.className = "mesop-divider"; return el; },
  sidenav: function () { return classed("aside", "mesop-sidenav"); },
  tooltip: function (node, id) {
    var el = document.createElement("span");
    var tip = document.createElement("span");
    tip.id = id + "-tip";
    tip.className = "mesop-tooltip-message";
    tip.setAttribute("role", "tooltip");
    el.appendChild(tip);
    el.__tip = tip;
    return el;
  },
};

export const update = {
  box: function (el, node) {
    el.className = node.p.on_click ? "mesop-box mesop-clickable" : "mesop-box";
    // The app's own classes (classes=), for the rules of its page stylesheets.
    if (node.p.classes) el.classList.add.apply(el.classList, node.p.classes);
  },
  sidenav: function (el, node) {
    var p = node.p, opened = !!p.opened;
    // The app's `opened` has the last word when it changes; in between, Escape may
    // have closed the panel here.
    if (el.__serverOpened !== opened) { el.__serverOpened = opened; el.__open = opened; }
    el.className = "mesop-sidenav mesop-sidenav-" + (p.position === "end" ? "end" : "start") +
      (el.__open ? "" : " mesop-closed");
  },
  tooltip: function (el, node) {
    var p = node.p, tip = el.__tip;
    el.className = "mesop-tooltip mesop-tooltip-" + (p.position || "left");
    setText(tip, p.message || "");
    var shown = !p.disabled && !!p.message;
    tip.hidden = !shown;
    if (shown) el.setAttribute("aria-describedby", tip.id); else el.removeAttribute("aria-describedby");
    tip.style.setProperty("--mesop-show-delay", (p.show_delay_ms || 0) + "ms");
    tip.style.setProperty("--mesop-hide-delay", (p.hide_delay_ms || 0) + "ms");
  },
};
