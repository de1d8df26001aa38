// Text fields, as runtime/components/fields.py: `input`, `textarea` and
// `native_textarea` (with `shortcuts`). The label, hint and value handling they share
// with the pickers is in core/form_field.js.

import { setServerValue } from "../core/dom.js";
import { autosize, labelled, updateTextField } from "../core/form_field.js";
import { fire, typedSince } from "../core/transport.js";

// The first of a textarea's shortcuts that the key press is (key without case, every
// modifier exactly as given), or null.
function matchingShortcut(shortcuts, ev) {
  var key = (ev.key || "").toLowerCase();
  for (var i = 0; i < shortcuts.length; i++) {
    var s = shortcuts[i];
    if (s.key.toLowerCase() === key && s.shift === ev.shiftKey && s.ctrl === ev.ctrlKey &&
        s.alt === ev.altKey && s.meta === ev.metaKey) return s;
  }
  return null;
}

// The shortcut replaces what the key would do (Enter sends instead of breaking a line).
// True when the key press was one.
function fireShortcut(node, control, ev) {
  var shortcut = matchingShortcut(node.p.shortcuts || [], ev);
  if (!shortcut) return false;
  ev.preventDefault();
  fire(node, shortcut.handler, "shortcut", {
    value: control.value,
    shortcut: { key: shortcut.key, shift: shortcut.shift, ctrl: shortcut.ctrl,
                alt: shortcut.alt, meta: shortcut.meta },
  });
  return true;
}

function textField(tag) {
  return function (node, id) {
    var wrap = labelled(id, tag);
    var control = wrap.__control;
    control.addEventListener("input", function () {
      if (tag === "textarea") autosize(control, wrap.__mesopNode.p);
      fire(wrap.__mesopNode, wrap.__mesopNode.p.on_input, "input", control.value, control);
    });
    control.addEventListener("blur", function () {
      fire(wrap.__mesopNode, wrap.__mesopNode.p.on_blur, "blur", control.value);
    });
    control.addEventListener("keydown", function (ev) {
      // me.textarea(shortcuts=...), as native_textarea's.
      if (fireShortcut(wrap.__mesopNode, control, ev)) return;
      var submit = tag === "input" ? ev.key === "Enter" : ev.key === "Enter" && (ev.ctrlKey || ev.metaKey);
      if (submit) fire(wrap.__mesopNode, wrap.__mesopNode.p.on_enter, "enter", control.value);
    });
    return wrap;
  };
}

export const build = {
  input: textField("input"),
  textarea: textField("textarea"),
  native_textarea: function (node, id) {
    var control = document.createElement("textarea");
    control.id = id;
    control.className = "mesop-native-textarea";
    control.__mesopChildren = false;
    control.addEventListener("input", function () {
      autosize(control, control.__mesopNode.p);
      fire(control.__mesopNode, control.__mesopNode.p.on_input, "input", control.value, control);
    });
    control.addEventListener("blur", function () {
      fire(control.__mesopNode, control.__mesopNode.p.on_blur, "blur", control.value);
    });
    control.addEventListener("keydown", function (ev) { fireShortcut(control.__mesopNode, control, ev); });
    return control;
  },
};

export const update = {
  input: updateTextField,
  textarea: updateTextField,
  native_textarea: function (control, node) {
    var p = node.p;
    control.placeholder = p.placeholder || "";
    if (p.placeholder) control.setAttribute("aria-label", p.placeholder);
    else control.removeAttribute("aria-label");
    control.disabled = !!p.disabled;
    control.readOnly = !!p.readonly;
    // Mesop's native textarea is one row; min_rows and max_rows bound only its autosize.
    control.rows = 1;
    if (!typedSince(control)) setServerValue(control, p.value == null ? "" : String(p.value));
    autosize(control, p);
  },
};
