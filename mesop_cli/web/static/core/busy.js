// The busy bar: while an event is pending (sent and not fully answered, or waiting in
// the queue) for longer than BUSY_DELAY_MS, a thin bar runs along the top of the page,
// in the theme's primary colour, as Mesop's does; it stays until nothing is pending.
// Quicker answers show nothing, so a page that answers at once never flickers. Assistive
// technology learns of it from the page's aria-busy and the bar's progressbar role.

const BUSY_DELAY_MS = 150;
let pending = false;
let timer = null;
let bar = null;

export function setBusy(now) {
  if (now === pending) return;
  pending = now;
  if (now) {
    document.body.setAttribute("aria-busy", "true");
    timer = setTimeout(show, BUSY_DELAY_MS);
    return;
  }
  document.body.removeAttribute("aria-busy");
  clearTimeout(timer);
  timer = null;
  if (bar) bar.hidden = true;
}

function show() {
  timer = null;
  if (!bar) {
    bar = document.createElement("div");
    bar.className = "mesop-busy-bar";
    // Indeterminate: no value, only that something is going on.
    bar.setAttribute("role", "progressbar");
    bar.setAttribute("aria-label", "Working");
    bar.appendChild(document.createElement("div")).className = "mesop-busy-bar-fill";
    document.body.insertBefore(bar, document.body.firstChild);
  }
  bar.hidden = false;
}
