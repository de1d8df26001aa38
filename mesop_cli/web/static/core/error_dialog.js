// The dev error dialog: what failed, where in the app, and the app's source around it.
//
// A handler's or a page's error (the dev server sends its frames: web/event_stream.py,
// runtime/error_frames.py) opens it with the exception, the app's innermost frame first
// with the lines around the failing one, the app's other frames after it, and the
// framework's frames (mesop-cli, installed packages, the standard library) folded away.
// An app that no longer loads (announced by the live channel, core/live_reload.js) opens
// it with the file, the line and the source around it, and the next reload that works
// closes it. A modal <dialog>: the close button has focus, Escape closes it, and focus
// goes back where it was, so the page is usable again. Production sends no frames: its
// errors stay on the status line as a reference to the log.

import { classed } from "./dom.js";

let dialog = null;
let returnFocus = null;

function ensureDialog() {
  if (dialog) return dialog;
  dialog = classed("dialog", "mesop-error-dialog");
  dialog.setAttribute("role", "alertdialog");
  dialog.setAttribute("aria-modal", "true");
  dialog.setAttribute("aria-labelledby", "mesop-error-dialog-title");
  dialog.addEventListener("close", function () {
    if (returnFocus && returnFocus.isConnected && returnFocus.focus) returnFocus.focus();
    returnFocus = null;
  });
  document.body.appendChild(dialog);
  return dialog;
}

// Opens the dialog for an event's error line; false (nothing shown) when the line has no
// frames, as in production.
export function showErrorDialog(message) {
  if (!message || !Array.isArray(message.frames)) return false;
  var frames = message.frames;
  var appFrames = frames.filter(function (f) { return f.is_app; }).reverse();
  var framework = frames.filter(function (f) { return !f.is_app; }).reverse();
  var parts = [];
  if (appFrames.length) {
    parts.push(where(appFrames[0]));
    appFrames.forEach(function (frame, i) { parts.push(frameBlock(frame, i === 0)); });
  }
  if (framework.length) {
    var folded = document.createElement("details");
    folded.className = "mesop-error-framework";
    var summary = document.createElement("summary");
    summary.textContent = framework.length + " framework frame" + (framework.length === 1 ? "" : "s");
    folded.appendChild(summary);
    framework.forEach(function (frame) { folded.appendChild(frameBlock(frame, false)); });
    parts.push(folded);
  }
  parts.push(tracebackBlock(message.traceback));
  open("handler", message.exception || message.message, parts);
  return true;
}

// An app that does not load: the message, and the source around the line it names.
export function showAppError(message) {
  var parts = [classed("p", "mesop-error-message")];
  parts[0].textContent = message.message;
  if (message.file && message.line) {
    parts.push(frameBlock({ file: message.file, line: message.line, function: "",
                            source: message.source || [] }, true));
  }
  parts.push(tracebackBlock(message.traceback));
  open("app", "The app failed to load", parts);
}

// The code changed: an error shown for the code before is stale.
export function clearErrorDialog() {
  if (dialog && dialog.open) dialog.close();
}

function open(kind, title, parts) {
  var box = ensureDialog();
  if (!box.open) returnFocus = document.activeElement;
  box.dataset.kind = kind;  // "handler" or "app"
  var heading = classed("h2", "mesop-error-title");
  heading.id = "mesop-error-dialog-title";
  heading.textContent = title;
  var close = classed("button", "mesop-error-close");
  close.type = "button";
  close.textContent = "Dismiss";
  close.addEventListener("click", function () { box.close(); });
  var header = classed("div", "mesop-error-header");
  header.append(heading, close);
  var body = classed("div", "mesop-error-body");
  parts.forEach(function (part) { if (part) body.appendChild(part); });
  box.replaceChildren(header, body);
  if (!box.open) {
    // Modal where the browser can: the page behind is inert until the dialog is dismissed.
    if (box.showModal) box.showModal(); else box.setAttribute("open", "");
  }
  close.focus();
}

function where(frame) {
  var line = classed("p", "mesop-error-where");
  line.textContent = (frame.function ? "in " + frame.function + ", " : "") +
    frame.file + ":" + frame.line;
  return line;
}

// One frame: "file:line in function", then its source lines, the failing one marked.
function frameBlock(frame, first) {
  var block = classed("section", first ? "mesop-error-frame mesop-error-frame-first" : "mesop-error-frame");
  var label = classed("div", "mesop-error-frame-label");
  label.textContent = frame.file + ":" + frame.line + (frame.function ? " in " + frame.function : "");
  block.appendChild(label);
  var source = frame.source || [];
  if (source.length) {
    var pre = classed("pre", "mesop-error-source");
    source.forEach(function (entry) {
      var row = classed("span", entry.line === frame.line ? "mesop-error-source-line mesop-error-current" : "mesop-error-source-line");
      if (entry.line === frame.line) row.setAttribute("aria-current", "true");
      var number = classed("span", "mesop-error-lineno");
      number.textContent = String(entry.line);
      number.setAttribute("aria-hidden", "true");
      row.append(number, document.createTextNode(entry.text + "\n"));
      pre.appendChild(row);
    });
    block.appendChild(pre);
  }
  return block;
}

function tracebackBlock(text) {
  if (!text) return null;
  var details = document.createElement("details");
  details.className = "mesop-error-traceback";
  var summary = document.createElement("summary");
  summary.textContent = "Full traceback";
  var pre = document.createElement("pre");
  pre.textContent = text;
  details.append(summary, pre);
  return details;
}
