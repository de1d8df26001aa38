// Small DOM helpers the component families share.

export function setText(el, text) { if (el.textContent !== text) el.textContent = text; }

export function classed(tag, className) {
  var el = document.createElement(tag);
  el.className = className;
  return el;
}

// An icon of the bundled font that only decorates (a chevron, a check): not read out.
export function decorativeIcon(name) {
  var icon = document.createElement("span");
  icon.className = "mesop-icon";
  icon.setAttribute("aria-hidden", "true");
  icon.textContent = name;
  return icon;
}

// A URL attribute is written only when it changed, so a playing video or a framed
// page the user moved around in is not reloaded by every render.
export function setSource(el, src) {
  if (el.getAttribute("src") !== src) el.setAttribute("src", src);
}

// Only overwrite a field's value when the server's value changed, so a stale render
// arriving mid-typing does not erase what the user just typed.
export function setServerValue(control, value) {
  if (control.__serverValue !== value) {
    control.__serverValue = value;
    if (control.value !== value) control.value = value;
  }
}

// The page's CSP requires Trusted Types (unless the app turned them off): a string
// reaches innerHTML only through this policy, named in the CSP (web/csp.py). Only HTML
// the server made safe goes through it (Markdown rendered with raw HTML disabled, me.html
// cleaned against an allow-list), or HTML shut in a sandboxed frame of its own origin.
// Created once, here: the CSP allows the name once.
const htmlPolicy = window.trustedTypes && window.trustedTypes.createPolicy
  ? window.trustedTypes.createPolicy("mesop-cli", { createHTML: function (html) { return html; } })
  : null;

export function trustedHTML(html) { return htmlPolicy ? htmlPolicy.createHTML(html) : html; }
