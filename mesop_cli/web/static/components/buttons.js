// Buttons, as runtime/components/buttons.py: `button` (a text label) and
// `content_button` (its children are its content; no label).

import { setText } from "../core/dom.js";
import { fire } from "../core/transport.js";

export const build = {
  button: function () {
    var el = document.createElement("button");
    el.type = "button";
    el.addEventListener("click", function (ev) {
      ev.stopPropagation();
      // Mesop's ClickEvent.is_target: was the box itself clicked, not something in it?
      fire(el.__mesopNode, el.__mesopNode.p.on_click, "click", ev.target === el);
    });
    return el;
  },
};

export const update = {
  button: function (el, node) {
    el.disabled = !!node.p.disabled;
    el.className = "mesop-button mesop-button-" + (node.p.variant || "default") +
      (node.p.color ? " mesop-color-" + node.p.color : "");
    var label = el.__labelNode;
    // content_button has no label: its children are its content.
    if (!label && node.p.label) { label = el.__labelNode = document.createElement("span"); el.insertBefore(label, el.firstChild); }
    if (label) setText(label, node.p.label || "");
    el.__mesopChildrenHost = el;
  },
};
