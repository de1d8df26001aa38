// Controls that choose, as runtime/components/choices.py: `checkbox`, `slide_toggle`,
// `radio`, `select`, `slider` and `button_toggle` (content_checkbox and
// content_slide_toggle are checkboxes and toggles whose label is their children).

import { decorativeIcon, classed, setServerValue, setText } from "../core/dom.js";
import { labelled, updateHint } from "../core/form_field.js";
import { fire } from "../core/transport.js";

// Nothing chosen and no placeholder: the label sits inside the field as a text field's
// does (mesop.css, mesop-empty), and floats up once something is chosen.
function markEmptySelect(wrap, values, p) {
  wrap.classList.toggle("mesop-empty", values.filter(Boolean).length === 0 && !p.placeholder);
}

// The share of a slider's track left of its thumb, for mesop.css to fill in the primary
// colour as Mesop's active track.
function paintFill(control) {
  var min = parseFloat(control.min), max = parseFloat(control.max), value = parseFloat(control.value);
  var share = max > min ? (value - min) / (max - min) * 100 : 0;
  control.style.setProperty("--mesop-slider-fill", share + "%");
}

// A checkbox (or, with role "switch", a slide toggle) and its label. The label's text
// is a span of its own: the content_ variants put their children in the label instead.
function checkControl(id, role) {
  var wrap = document.createElement("div");
  var control = document.createElement("input");
  control.type = "checkbox";
  if (role) control.setAttribute("role", role);
  control.id = id;
  var label = document.createElement("label");
  label.htmlFor = id;
  var text = document.createElement("span");
  label.appendChild(text);
  wrap.appendChild(control);
  wrap.appendChild(label);
  wrap.__control = control;
  wrap.__labelText = text;
  wrap.__mesopChildrenHost = label;
  return wrap;
}

// on_opened_change of me.select: the browser's own list of options opens and closes
// without an event of its own. After anything the user does to the select, ask it whether
// it is :open (a pseudo-class current Chromium knows), and while it is, look again each frame
// until it closes (Escape closes it without any event). A browser that does not know
// :open is told "open" by a press that opens the list and "closed" by a choice or a blur.
const knowsOpen = (function () {
  try { document.createElement("select").matches(":open"); return true; } catch (e) { return false; }
})();

function watchSelectOpened(wrap) {
  var control = wrap.__control, opened = false, watching = false;
  function report(now) {
    if (now === opened) return;
    opened = now;
    fire(wrap.__mesopNode, wrap.__mesopNode.p.on_opened_change, "select_opened", now);
  }
  function look() {
    watching = false;
    if (control.multiple) return;
    report(control.matches(":open"));
    if (opened) { watching = true; requestAnimationFrame(look); }
  }
  function soon() { if (!watching) { watching = true; requestAnimationFrame(look); } }
  if (knowsOpen) {
    ["mousedown", "mouseup", "click", "keydown", "keyup", "change", "blur"].forEach(function (type) {
      control.addEventListener(type, soon);
    });
    return;
  }
  control.addEventListener("mousedown", function (ev) { if (ev.button === 0 && !control.multiple) report(!opened); });
  control.addEventListener("keydown", function (ev) {
    if (!control.multiple && (ev.key === " " || ev.key === "Enter" || (ev.altKey && ev.key === "ArrowDown"))) report(true);
  });
  control.addEventListener("change", function () { report(false); });
  control.addEventListener("blur", function () { report(false); });
}

// The pressed values of a button toggle after a click on `value`: a single-choice
// toggle keeps a pressed button pressed, as Mesop's does.
function toggledValues(pressed, value, multiple) {
  if (!multiple) return [value];
  var at = pressed.indexOf(value);
  return at >= 0 ? pressed.slice(0, at).concat(pressed.slice(at + 1)) : pressed.concat([value]);
}

function drawToggle(el) {
  var p = el.__mesopNode.p;
  Array.prototype.forEach.call(el.children, function (button) {
    var on = el.__pressed.indexOf(button.__value) >= 0;
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.disabled = !!p.disabled;
    button.__check.hidden = !on || !!p.hide_selection_indicator;
  });
}

export const build = {
  checkbox: function (node, id) {
    var wrap = checkControl(id, null);
    var control = wrap.__control;
    control.addEventListener("change", function () {
      var p = wrap.__mesopNode.p;
      fire(wrap.__mesopNode, p.on_change, "change", control.checked);
      // A click clears the "mixed" state (the browser already did), as in Mesop.
      if (p.indeterminate) fire(wrap.__mesopNode, p.on_indeterminate_change, "indeterminate", false);
    });
    return wrap;
  },
  slide_toggle: function (node, id) {
    var wrap = checkControl(id, "switch");
    var control = wrap.__control;
    control.addEventListener("change", function () {
      fire(wrap.__mesopNode, wrap.__mesopNode.p.on_change, "toggle", control.checked);
    });
    return wrap;
  },
  radio: function () {
    var el = document.createElement("div");
    el.setAttribute("role", "radiogroup");
    el.__mesopChildren = false;
    return el;
  },
  select: function (node, id) {
    var wrap = labelled(id, "select");
    wrap.__control.addEventListener("change", function () {
      var values = Array.prototype.filter.call(wrap.__control.options, function (o) { return o.selected; })
        .map(function (o) { return o.value; });
      markEmptySelect(wrap, values, wrap.__mesopNode.p);
      fire(wrap.__mesopNode, wrap.__mesopNode.p.on_selection_change, "selection", values);
    });
    watchSelectOpened(wrap);
    return wrap;
  },
  slider: function (node, id) {
    var wrap = labelled(id, "input");
    wrap.__control.type = "range";
    wrap.__control.addEventListener("input", function () { paintFill(wrap.__control); });
    wrap.__control.addEventListener("change", function () {
      fire(wrap.__mesopNode, wrap.__mesopNode.p.on_value_change, "slider", parseFloat(wrap.__control.value));
    });
    return wrap;
  },
  button_toggle: function () {
    var el = classed("div", "mesop-button-toggle");
    el.setAttribute("role", "group");
    el.__mesopChildren = false;
    return el;
  },
};

export const update = {
  checkbox: function (wrap, node) {
    wrap.className = "mesop-field mesop-checkbox" +
      (node.p.label_position === "before" ? " mesop-label-before" : "");
    setText(wrap.__labelText, node.p.label || "");
    wrap.__control.disabled = !!node.p.disabled;
    wrap.__control.tabIndex = node.p.tab_index || 0;
    if (wrap.__control.__serverValue !== !!node.p.checked) {
      wrap.__control.__serverValue = wrap.__control.checked = !!node.p.checked;
    }
    // "Mixed" for screen readers and the eye; the next click clears it, as in Mesop.
    wrap.__control.indeterminate = !!node.p.indeterminate;
  },
  slide_toggle: function (wrap, node) {
    var p = node.p, control = wrap.__control;
    wrap.className = "mesop-field mesop-toggle" + (p.label_position === "before" ? " mesop-label-before" : "") +
      (p.hide_icon ? " mesop-toggle-no-icon" : "") + (p.color ? " mesop-color-" + p.color : "");
    setText(wrap.__labelText, p.label || "");
    control.disabled = !!p.disabled;
    control.required = !!p.required;
    control.tabIndex = p.tab_index || 0;
    if (control.__serverValue !== !!p.checked) control.__serverValue = control.checked = !!p.checked;
  },
  radio: function (el, node, id) {
    var p = node.p;
    el.className = "mesop-radio" + (p.color ? " mesop-color-" + p.color : "");
    var layout = JSON.stringify([p.options, p.label_position]);
    if (el.__layout !== layout) {
      el.__layout = layout;
      el.__serverValue = undefined;
      el.textContent = "";
      p.options.forEach(function (opt, index) {
        var label = document.createElement("label");
        var control = document.createElement("input");
        control.type = "radio";
        control.name = id;
        control.id = id + "-" + index;
        control.value = opt.value;
        var text = document.createElement("span");
        text.textContent = opt.label;
        if (p.label_position === "before") { label.appendChild(text); label.appendChild(control); }
        else { label.appendChild(control); label.appendChild(text); }
        control.addEventListener("change", function () {
          if (control.checked) fire(el.__mesopNode, el.__mesopNode.p.on_change, "radio", control.value);
        });
        el.appendChild(label);
      });
    }
    var inputs = el.querySelectorAll("input");
    Array.prototype.forEach.call(inputs, function (control) { control.disabled = !!p.disabled; });
    if (el.__serverValue !== p.value) {
      el.__serverValue = p.value;
      Array.prototype.forEach.call(inputs, function (control) { control.checked = control.value === p.value; });
    }
  },
  select: function (wrap, node, id) {
    var p = node.p, control = wrap.__control;
    setText(wrap.__label, p.label || "");
    // Mesop's select keeps its field's 20px line under it, as a text field does.
    updateHint(wrap, { hint_label: "", subscript_sizing: "fixed" }, id);
    markEmptySelect(wrap, p.value || [], p);
    control.multiple = !!p.multiple;
    control.disabled = !!p.disabled;
    control.tabIndex = p.tab_index || 0;
    var signature = JSON.stringify([p.options, p.value, p.placeholder]);
    if (control.__serverValue === signature) return;
    control.__serverValue = signature;
    control.textContent = "";
    if (!p.multiple) {
      // Shown while nothing is chosen; it cannot be chosen back.
      var blank = document.createElement("option");
      blank.value = ""; blank.textContent = p.placeholder || ""; blank.disabled = true;
      control.appendChild(blank);
    }
    var chosen = p.value || [];
    p.options.forEach(function (opt) {
      var option = document.createElement("option");
      option.value = opt.value;
      option.textContent = opt.label;
      option.selected = chosen.indexOf(opt.value) >= 0;
      control.appendChild(option);
    });
    if (!p.multiple && chosen.length === 0) control.selectedIndex = 0;
  },
  slider: function (wrap, node) {
    var p = node.p, control = wrap.__control;
    setText(wrap.__label, p.label || "");
    wrap.__label.hidden = !p.label;
    if (!p.label) control.setAttribute("aria-label", "Slider");
    control.min = p.min; control.max = p.max; control.step = p.step;
    control.disabled = !!p.disabled;
    setServerValue(control, String(p.value));
    paintFill(control);
  },
  button_toggle: function (el, node, id) {
    var p = node.p;
    var layout = JSON.stringify(p.buttons);
    if (el.__layout !== layout) {
      el.__layout = layout;
      el.textContent = "";
      p.buttons.forEach(function (b, index) {
        var button = classed("button", "mesop-button-toggle-button");
        button.type = "button";
        button.id = id + "-" + index;
        var check = decorativeIcon("check");
        var label = document.createElement("span");
        label.textContent = b.label;
        button.appendChild(check);
        button.appendChild(label);
        button.__check = check;
        button.__value = b.value;
        button.addEventListener("click", function () {
          var p = el.__mesopNode.p;
          if (!p.multiple && el.__pressed.indexOf(b.value) >= 0) return;
          el.__pressed = toggledValues(el.__pressed, b.value, p.multiple);
          drawToggle(el);
          fire(el.__mesopNode, p.on_change, "button_toggle", el.__pressed.slice());
        });
        el.appendChild(button);
      });
    }
    var pressed = JSON.stringify(p.value || []);
    if (el.__serverValue !== pressed) { el.__serverValue = pressed; el.__pressed = (p.value || []).slice(); }
    drawToggle(el);
  },
};
