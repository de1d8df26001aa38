// What the form fields of several families share (components/fields.js, pickers.js,
// choices.js): a labelled control, the hint line under it, and a text field's label,
// state and value. Their props come from one helper on the server as well
// (runtime/components/form_field.py), under the same names everywhere.

import { typedSince } from "./transport.js";
import { setServerValue, setText } from "./dom.js";

// A <label> and its control (of tag `controlTag`) in a field box.
export function labelled(id, controlTag) {
  var wrap = document.createElement("div");
  wrap.className = "mesop-field";
  var label = document.createElement("label");
  label.htmlFor = id;
  var control = document.createElement(controlTag);
  control.id = id;
  wrap.appendChild(label);
  wrap.appendChild(control);
  wrap.__label = label;
  wrap.__control = control;
  wrap.__mesopChildren = false;
  return wrap;
}

// The hint line under a field (hint_label), read out with its controls (the field's own
// by default; both ends of a date range) through aria-describedby. "fixed" subscript
// sizing keeps the line's room when there is no hint, so the page does not move when one
// appears; "dynamic" takes room only for a hint.
export function updateHint(wrap, p, id, controls) {
  var text = p.hint_label || "";
  var hint = wrap.__hint;
  if (!hint && (text || p.subscript_sizing === "fixed")) {
    hint = wrap.__hint = document.createElement("div");
    hint.className = "mesop-hint";
    hint.id = id + "-hint";
    wrap.appendChild(hint);
  }
  if (!hint) return;
  setText(hint, text);
  hint.hidden = !text && p.subscript_sizing !== "fixed";
  (controls || [wrap.__control]).forEach(function (control) {
    if (text) control.setAttribute("aria-describedby", hint.id);
    else control.removeAttribute("aria-describedby");
  });
}

// A text field's label, placeholder, state, hint and value (kept while the user types):
// me.input, me.textarea and me.autocomplete.
export function updateTextField(wrap, node, id) {
  var p = node.p, control = wrap.__control;
  setText(wrap.__label, (p.label || "") + (p.required && !p.hide_required_marker ? " *" : ""));
  wrap.__label.hidden = !p.label;
  wrap.classList.toggle("mesop-outline", p.appearance === "outline");
  if (!p.label && p.placeholder) control.setAttribute("aria-label", p.placeholder);
  control.placeholder = p.placeholder || "";
  control.disabled = !!p.disabled;
  control.readOnly = !!p.readonly;
  control.required = !!p.required;
  if (control.tagName === "INPUT") control.type = p.input_type || "text";
  if (p.rows) control.rows = p.autosize ? (p.min_rows || p.rows) : p.rows;
  updateHint(wrap, p, id);
  // Writing an older value into the field would erase what was typed since.
  if (!typedSince(control)) setServerValue(control, p.value == null ? "" : String(p.value));
  if (control.tagName === "TEXTAREA") autosize(control, p);
  markEmpty(wrap);
  if (!wrap.__watchesEmpty) {
    wrap.__watchesEmpty = true;
    control.addEventListener("input", function () { markEmpty(wrap); });
  }
}

// mesop-empty: nothing typed and no placeholder, so mesop.css shows the label inside the
// field as Material's filled fields do, and floats it up once there is text or focus.
function markEmpty(wrap) {
  var control = wrap.__control;
  wrap.classList.toggle("mesop-empty", !control.value && !control.placeholder);
}

// Grow a textarea with `autosize` to fit its text, up to `max_rows` lines.
export function autosize(control, p) {
  if (!p.autosize) return;
  if (!control.isConnected) {
    // Not in the page yet (its first render): it has no height to measure, and sizing it
    // now would clip it to nothing; its `rows` hold it until it is measured once shown.
    requestAnimationFrame(function () {
      if (control.isConnected) autosize(control, (control.__mesopNode || { p: p }).p);
    });
    return;
  }
  control.style.height = "auto";
  var style = getComputedStyle(control);
  var height = control.scrollHeight;  // the text and the padding
  var line = parseFloat(style.lineHeight) || 1.2 * parseFloat(style.fontSize);
  if (p.max_rows) {
    var extra = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
    height = Math.min(height, p.max_rows * line + extra);
  }
  // mesop.css sizes every box by its border edge (as Mesop does): the borders count too.
  if (style.boxSizing === "border-box") {
    height += parseFloat(style.borderTopWidth) + parseFloat(style.borderBottomWidth);
  }
  // A native textarea is one row high (Mesop's); Mesop's autosize (the CDK's) keeps it at
  // least min_rows whole-pixel lines tall, padding and borders inside that height.
  if (control.rows === 1 && p.min_rows) height = Math.max(height, p.min_rows * Math.round(line));
  control.style.height = height + "px";
}
