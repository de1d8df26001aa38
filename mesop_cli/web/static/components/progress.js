// Progress indicators, as runtime/components/progress.py: `progress_spinner` and
// `progress_bar`.

import { fire } from "../core/transport.js";

export const build = {
  progress_spinner: function () {
    var el = document.createElement("div");
    el.className = "mesop-spinner";
    el.setAttribute("role", "progressbar");
    el.setAttribute("aria-label", "Loading");
    return el;
  },
  progress_bar: function () {
    var el = document.createElement("div");
    el.setAttribute("role", "progressbar");
    el.setAttribute("aria-label", "Progress");
    var buffer = document.createElement("div");
    buffer.className = "mesop-progress-buffer";
    var fill = document.createElement("div");
    fill.className = "mesop-progress-fill";
    el.appendChild(buffer);
    el.appendChild(fill);
    el.__buffer = buffer;
    el.__fill = fill;
    el.__mesopChildren = false;
    fill.addEventListener("transitionend", function (ev) {
      var p = el.__mesopNode.p;
      if (ev.propertyName !== "width" || (p.mode !== "determinate" && p.mode !== "buffer")) return;
      fire(el.__mesopNode, p.on_animation_end, "animation_end", p.value);
    });
    return el;
  },
};

export const update = {
  progress_bar: function (el, node) {
    var p = node.p;
    var measured = p.mode === "determinate" || p.mode === "buffer";
    el.className = "mesop-progress-bar mesop-progress-" + p.mode + (p.color ? " mesop-color-" + p.color : "");
    if (measured) {
      el.setAttribute("aria-valuemin", "0");
      el.setAttribute("aria-valuemax", "100");
      el.setAttribute("aria-valuenow", String(p.value));
      el.__fill.style.width = p.value + "%";
      el.__buffer.style.width = p.mode === "buffer" ? p.buffer_value + "%" : "0";
    } else {
      ["aria-valuemin", "aria-valuemax", "aria-valuenow"].forEach(function (name) { el.removeAttribute(name); });
      el.__fill.style.width = "";
      el.__buffer.style.width = "";
    }
  },
};
