// Containers that frame their children, as runtime/components/containers.py: `card`
// (with `card_header`, `card_content`, `card_actions`), `expansion_panel`, `accordion`
// and `badge`.

import { classed, decorativeIcon, setSource, setText } from "../core/dom.js";
import { fire } from "../core/transport.js";

export const build = {
  card: function () { return classed("div", "mesop-card"); },
  card_header: function () {
    var el = classed("div", "mesop-card-header");
    var image = document.createElement("img");
    image.alt = "";
    var words = classed("div", "mesop-card-header-text");
    var title = classed("div", "mesop-card-title");
    var subtitle = classed("div", "mesop-card-subtitle");
    words.appendChild(title);
    words.appendChild(subtitle);
    el.appendChild(image);
    el.appendChild(words);
    el.__image = image; el.__title = title; el.__subtitle = subtitle;
    el.__mesopChildren = false;
    return el;
  },
  card_content: function () { return classed("div", "mesop-card-content"); },
  card_actions: function () { return classed("div", "mesop-card-actions"); },
  accordion: function () { return classed("div", "mesop-accordion"); },
  expansion_panel: function () {
    var el = document.createElement("details");
    var summary = document.createElement("summary");
    var icon = decorativeIcon("");
    var words = classed("span", "mesop-panel-text");
    var title = classed("span", "mesop-panel-title");
    var description = classed("span", "mesop-panel-description");
    var chevron = decorativeIcon("expand_more");
    chevron.classList.add("mesop-panel-chevron");
    words.appendChild(title);
    words.appendChild(description);
    summary.appendChild(icon);
    summary.appendChild(words);
    summary.appendChild(chevron);
    var body = classed("div", "mesop-panel-body");
    el.appendChild(summary);
    el.appendChild(body);
    el.__icon = icon; el.__title = title; el.__description = description;
    el.__summary = summary;
    el.__mesopChildrenHost = body;
    summary.addEventListener("click", function (ev) {
      var p = el.__mesopNode.p;
      if (p.disabled) { ev.preventDefault(); return; }
      // The panel opens or closes here at once (as Mesop's does); the app hears where
      // it moved, and a render whose `expanded` changed has the last word.
      fire(el.__mesopNode, p.on_toggle, "expansion_toggle", !el.open);
    });
    return el;
  },
  badge: function (node, id) {
    var el = classed("span", "mesop-badge-host");
    var bubble = document.createElement("span");
    bubble.id = id + "-badge";
    el.appendChild(bubble);
    el.__bubble = bubble;
    return el;
  },
};

export const update = {
  card: function (el, node) {
    el.className = "mesop-card mesop-card-" + (node.p.appearance || "outlined");
  },
  card_header: function (el, node) {
    var p = node.p;
    el.className = "mesop-card-header mesop-card-image-" + (p.image_type || "avatar");
    el.__image.hidden = !p.image;
    // The server let through only http(s), relative and data:image URLs.
    if (p.image) setSource(el.__image, p.image); else el.__image.removeAttribute("src");
    setText(el.__title, p.title || "");
    setText(el.__subtitle, p.subtitle || "");
    el.__subtitle.hidden = !p.subtitle;
  },
  card_actions: function (el, node) {
    el.className = "mesop-card-actions mesop-card-actions-" + (node.p.align || "start");
  },
  expansion_panel: function (el, node) {
    var p = node.p;
    el.className = "mesop-expansion-panel" + (p.hide_toggle ? " mesop-panel-no-toggle" : "") +
      (p.disabled ? " mesop-disabled" : "");
    setText(el.__icon, p.icon || "");
    el.__icon.hidden = !p.icon;
    setText(el.__title, p.title || "");
    setText(el.__description, p.description || "");
    el.__description.hidden = !p.description;
    if (p.disabled) el.__summary.setAttribute("aria-disabled", "true");
    else el.__summary.removeAttribute("aria-disabled");
    // `expanded` None leaves the panel to the user; a value is applied when it changes.
    var wanted = p.expanded === true || p.expanded === false ? p.expanded : null;
    if (wanted !== null && el.__serverValue !== wanted) el.open = wanted;
    el.__serverValue = wanted;
  },
  badge: function (el, node) {
    var p = node.p, bubble = el.__bubble;
    el.className = "mesop-badge-host" + (p.overlap ? " mesop-badge-overlap" : "");
    bubble.className = "mesop-badge mesop-badge-" + p.size + " mesop-color-" + p.color + " " +
      p.position.split(" ").map(function (word) { return "mesop-badge-" + word; }).join(" ") +
      (p.disabled ? " mesop-disabled" : "");
    setText(bubble, p.content || "");
    bubble.hidden = !!p.hidden;
    if (p.description) bubble.setAttribute("aria-label", p.description);
    else bubble.removeAttribute("aria-label");
  },
};
