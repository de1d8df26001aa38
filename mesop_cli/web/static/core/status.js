// The status line at the top of the page: errors, a lost connection, notices.

import { statusBox } from "./boot.js";

export function showStatus(text, isError, details) {
  statusBox.hidden = !text;
  statusBox.className = isError ? "mesop-status mesop-error" : "mesop-status";
  statusBox.textContent = text;
  if (details) {
    var pre = document.createElement("pre");
    pre.textContent = details;
    statusBox.appendChild(pre);
  }
}
