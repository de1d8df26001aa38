// Fields that help pick a value, as runtime/components/pickers.py: `autocomplete`,
// `date_picker` and `date_range_picker`.

import { classed, setServerValue, setText } from "../core/dom.js";
import { labelled, updateHint, updateTextField } from "../core/form_field.js";
import { fire } from "../core/transport.js";

// ---- autocomplete: an ARIA combobox whose listbox shows the options containing the
// text typed. A listbox of our own (not <datalist>) so option groups show with their
// headings, the list follows the theme, and the keys work the same in every browser.

function suggestions(wrap) {
  return Array.prototype.filter.call(wrap.__list.querySelectorAll("[role=option]"),
    function (option) { return !option.hidden; });
}

function highlight(wrap, option) {
  var control = wrap.__control;
  suggestions(wrap).forEach(function (o) { o.setAttribute("aria-selected", o === option ? "true" : "false"); });
  wrap.__active = option;
  if (option) {
    control.setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({ block: "nearest" });
  } else {
    control.removeAttribute("aria-activedescendant");
  }
}

function showSuggestions(wrap, open) {
  var typed = wrap.__control.value.toLowerCase();
  Array.prototype.forEach.call(wrap.__list.children, function (group) {
    var any = false;
    Array.prototype.forEach.call(group.querySelectorAll("[role=option]"), function (option) {
      option.hidden = option.__label.toLowerCase().indexOf(typed) < 0;
      any = any || !option.hidden;
    });
    group.hidden = !any;
  });
  var shown = open && suggestions(wrap).length > 0;
  wrap.__list.hidden = !shown;
  wrap.__control.setAttribute("aria-expanded", shown ? "true" : "false");
  highlight(wrap, null);
}

function pickSuggestion(wrap, option) {
  wrap.__control.value = option.__value;
  showSuggestions(wrap, false);
  fire(wrap.__mesopNode, wrap.__mesopNode.p.on_selection_change, "autocomplete_selection", option.__value);
}

function autocompleteKey(wrap, ev) {
  var open = !wrap.__list.hidden;
  if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
    ev.preventDefault();
    if (!open) showSuggestions(wrap, true);
    var list = suggestions(wrap);
    if (!list.length) return;
    var at = list.indexOf(wrap.__active);
    var step = ev.key === "ArrowDown" ? 1 : -1;
    highlight(wrap, list[at < 0 ? (step > 0 ? 0 : list.length - 1) : (at + step + list.length) % list.length]);
  } else if (ev.key === "Enter") {
    if (open && wrap.__active) {
      ev.preventDefault();
      pickSuggestion(wrap, wrap.__active);
    } else {
      showSuggestions(wrap, false);
      fire(wrap.__mesopNode, wrap.__mesopNode.p.on_enter, "autocomplete_enter", wrap.__control.value);
    }
  } else if (ev.key === "Escape" && open) {
    ev.preventDefault();
    showSuggestions(wrap, false);
  }
}

function fillSuggestions(wrap, groups, id) {
  var list = wrap.__list;
  list.textContent = "";
  var count = 0;
  groups.forEach(function (group, g) {
    var box = document.createElement("div");
    box.setAttribute("role", "group");
    if (group.label !== null) {
      var heading = classed("div", "mesop-autocomplete-heading");
      heading.id = id + "-group-" + g;
      heading.setAttribute("role", "presentation");
      heading.textContent = group.label;
      box.appendChild(heading);
      box.setAttribute("aria-labelledby", heading.id);
    }
    group.options.forEach(function (opt) {
      var option = classed("div", "mesop-autocomplete-option");
      option.id = id + "-option-" + (count++);
      option.setAttribute("role", "option");
      option.textContent = opt.label;
      option.__label = opt.label;
      option.__value = opt.value;
      // Keep the focus in the field, so the click is not lost to its blur.
      option.addEventListener("mousedown", function (ev) { ev.preventDefault(); });
      option.addEventListener("click", function () { pickSuggestion(wrap, option); });
      box.appendChild(option);
    });
    list.appendChild(box);
  });
}

// ---- date pickers ----------------------------------------------------------------------

const ISO_DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

// Four-digit years only, as the server accepts.
const FIRST_DAY = "1000-01-01", LAST_DAY = "9999-12-31";

function asDateInput(control) {
  control.type = "date";
  control.min = FIRST_DAY;
  control.max = LAST_DAY;
  return control;
}

function dateInput(id, wrap) {
  var control = asDateInput(document.createElement("input"));
  control.id = id;
  wrap.appendChild(control);
  return control;
}

export const build = {
  autocomplete: function (node, id) {
    var wrap = labelled(id, "input");
    wrap.classList.add("mesop-autocomplete");
    var control = wrap.__control;
    var list = classed("div", "mesop-autocomplete-list");
    list.id = id + "-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    wrap.appendChild(list);
    wrap.__list = list;
    control.setAttribute("role", "combobox");
    control.setAttribute("aria-autocomplete", "list");
    control.setAttribute("aria-controls", list.id);
    control.setAttribute("aria-expanded", "false");
    control.autocomplete = "off";
    control.addEventListener("input", function () {
      showSuggestions(wrap, true);
      fire(wrap.__mesopNode, wrap.__mesopNode.p.on_input, "input", control.value, control);
    });
    control.addEventListener("click", function () { showSuggestions(wrap, true); });
    control.addEventListener("blur", function () { showSuggestions(wrap, false); });
    control.addEventListener("keydown", function (ev) { autocompleteKey(wrap, ev); });
    return wrap;
  },
  date_picker: function (node, id) {
    var wrap = labelled(id, "input");
    var control = asDateInput(wrap.__control);
    control.addEventListener("change", function () {
      // Only a whole date is reported, as Mesop's picker does.
      if (ISO_DATE.test(control.value)) {
        fire(wrap.__mesopNode, wrap.__mesopNode.p.on_change, "date", control.value);
      }
    });
    return wrap;
  },
  date_range_picker: function (node, id) {
    var wrap = classed("fieldset", "mesop-field mesop-date-range");
    var legend = document.createElement("legend");
    wrap.appendChild(legend);
    var ends = classed("div", "mesop-date-range-ends");
    wrap.appendChild(ends);
    var start = dateInput(id + "-start", ends);
    var end = dateInput(id + "-end", ends);
    wrap.__legend = legend; wrap.__start = start; wrap.__end = end;
    wrap.__mesopChildren = false;
    function changed() {
      // The browser keeps each end inside the other's bound when picking.
      end.min = start.value || FIRST_DAY;
      start.max = end.value || LAST_DAY;
      if (ISO_DATE.test(start.value) && ISO_DATE.test(end.value) && start.value <= end.value) {
        fire(wrap.__mesopNode, wrap.__mesopNode.p.on_change, "date_range",
             { start_date: start.value, end_date: end.value });
      }
    }
    start.addEventListener("change", changed);
    end.addEventListener("change", changed);
    return wrap;
  },
};

export const update = {
  autocomplete: function (wrap, node, id) {
    // Label, placeholder, state, hint and the value (kept while typing) as any text field's.
    updateTextField(wrap, node, id);
    var groups = JSON.stringify(node.p.groups);
    if (wrap.__groups !== groups) {
      wrap.__groups = groups;
      fillSuggestions(wrap, node.p.groups, id);
      showSuggestions(wrap, !wrap.__list.hidden);
    }
  },
  date_picker: function (wrap, node, id) {
    var p = node.p, control = wrap.__control;
    setText(wrap.__label, (p.label || "") + (p.required && !p.hide_required_marker ? " *" : ""));
    wrap.__label.hidden = !p.label;
    wrap.classList.toggle("mesop-outline", p.appearance === "outline");
    if (!p.label) control.setAttribute("aria-label", p.placeholder || "Date");
    control.disabled = !!p.disabled;
    control.readOnly = !!p.readonly;
    control.required = !!p.required;
    updateHint(wrap, p, id);
    setServerValue(control, p.value || "");
  },
  date_range_picker: function (wrap, node, id) {
    var p = node.p;
    setText(wrap.__legend, p.label || "");
    wrap.__legend.hidden = !p.label;
    [[wrap.__start, p.start_date, p.placeholder_start_date, "Start date"],
     [wrap.__end, p.end_date, p.placeholder_end_date, "End date"]].forEach(function (end) {
      var control = end[0];
      // A date input shows no placeholder: it names the field instead.
      control.setAttribute("aria-label", end[3] + (end[2] ? " (" + end[2] + ")" : ""));
      control.disabled = !!p.disabled;
      control.readOnly = !!p.readonly;
      control.required = !!p.required;
      setServerValue(control, end[1] || "");
    });
    updateHint(wrap, p, id, [wrap.__start, wrap.__end]);
    wrap.__end.min = wrap.__start.value || FIRST_DAY;
    wrap.__start.max = wrap.__end.value || LAST_DAY;
  },
};
