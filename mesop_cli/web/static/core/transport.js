// Events to the server and its answers back.
//
// One event is in flight per tab; later ones wait in a queue, and consecutive input
// events of one field collapse into the latest. The response is a stream of JSON lines,
// one render each, so a streaming handler's every `yield` is painted as it arrives
// (web/events_endpoint.py, web/protocol.py).

import { boot } from "./boot.js";
import { addBrowserHints, applyQuery, applyTheme, applyTitle, currentQuery, runCommands } from "./browser.js";
import { showErrorDialog } from "./error_dialog.js";
import { applyPatch } from "./patch.js";
import { renderTree } from "./render.js";
import { lockSession, resetSession, session, storeSession } from "./session.js";
import { showStatus } from "./status.js";

const queue = [];
let busy = false;
// Pauses before resending an event answered 503 (state store unreachable, session
// busy): nothing ran, so resending is safe, and dropping the event would leave the
// server's state behind what the page shows (the last characters typed, say).
const RETRY_DELAYS_MS = [500, 1000, 2000];

// ---- event queue -----------------------------------------------------------------

export function enqueue(item) {
  if (item.event && item.event.kind === "input") {
    var last = queue[queue.length - 1];
    if (last && last.event && last.event.kind === "input" &&
        last.event.handler === item.event.handler && last.event.key === item.event.key) {
      queue[queue.length - 1] = item;
      return;
    }
  }
  queue.push(item);
  pump();
}

// True while a redraw (a new colour scheme or viewport) waits in the queue.
export function refreshWaiting() {
  return queue.some(function (item) { return item.refresh; });
}

// An event of the component `node` for the server's `handler` (a handler id the node
// carries); `source`: the control typed into, for typedSince.
export function fire(node, handler, kind, value, source) {
  if (!handler) return;
  enqueue({ path: location.pathname, source: source,
            event: { handler: handler, kind: kind, key: node.k || "", value: value } });
}

// True while an input event of this field waits in the queue: the user typed after the
// event being answered was sent, so its render holds an older value than the field.
export function typedSince(control) {
  return queue.some(function (item) { return item.source === control; });
}

// Another page of the app, without reloading this one (links, back/forward).
export function navigate(path) {
  history.pushState({}, "", path);
  enqueue({ path: path, event: null });
}

function pump() {
  if (busy || queue.length === 0) return;
  busy = true;
  document.body.setAttribute("aria-busy", "true");
  var item = queue.shift();
  send(item, false).catch(function (err) {
    showStatus("Could not reach the server: " + err.message, true);
  }).then(function () {
    busy = false;
    document.body.removeAttribute("aria-busy");
    pump();
  });
}

// ---- sending and reading the answer --------------------------------------------------

function send(item, withCopy, attempt) {
  attempt = attempt || 0;
  // theme/viewport: a refresh redraws a session's page; before there is one, nothing to do.
  if (item.refresh && !session.id) return Promise.resolve();
  var body = {
    session: session.id,
    path: item.path,
    event: item.event || null,
    has_copy: session.state !== null,
    version: session.state !== null ? session.state["#version"] : null,
  };
  if (session.id && session.state !== null && (withCopy || !boot.serverSide)) {
    body.state = session.state;
    body.sig = session.sig;
  }
  addBrowserHints(body, item);  // theme/viewport
  body.query = currentQuery();  // query params
  return fetch(boot.eventsUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  }).then(function (response) {
    if (response.status === 503 && attempt < RETRY_DELAYS_MS.length) {
      return failed(response, " Retrying…").then(function () {
        return new Promise(function (resolve) { setTimeout(resolve, RETRY_DELAYS_MS[attempt]); });
      }).then(function () { return send(item, withCopy, attempt + 1); });
    }
    if (!response.ok) return failed(response, "");
    return readLines(response, function (message) {
      if (message.type === "retry") return retryUnsaved(message, item, attempt);
      return handleMessage(message, item, withCopy);
    });
  });
}

function failed(response, suffix) {
  return response.text().then(function (text) {
    var body = {};
    try { body = JSON.parse(text) || {}; } catch (err) { body = { message: text }; }
    if (body.reset) {
      // The server refused the session itself (an altered copy, a malformed id): it is
      // useless, so start a clean one. Other refusals (say, a handler that no longer
      // exists after an edit) leave the session and its state alone.
      resetSession();
      storeSession();
    }
    showStatus((body.message || ("Server error " + response.status)) + suffix, true);
  });
}

function readLines(response, onMessage) {
  var reader = response.body.getReader();
  var decoder = new TextDecoder();
  var buffered = "";
  var retry = null;
  function step() {
    return reader.read().then(function (chunk) {
      if (chunk.done) return retry;
      buffered += decoder.decode(chunk.value, { stream: true });
      var newline;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        var text = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (text) retry = onMessage(JSON.parse(text)) || retry;
      }
      return step();
    });
  }
  return step();
}

// The server could not save the event (its session's lock was lost, and another request
// may have changed the session meanwhile): the renders it sent are not the session's
// state. Go back to the copy it names (the one the event started from; none when it
// names none; ours, untouched, when it names nothing) and send the event again.
function retryUnsaved(message, item, attempt) {
  if (message.state !== undefined) {
    session.id = message.session;
    session.state = message.state;
    session.sig = message.sig || null;
    storeSession();
  }
  if (attempt >= RETRY_DELAYS_MS.length) {
    showStatus(message.message, true);
    return null;
  }
  showStatus(message.message + " Retrying…", true);
  return new Promise(function (resolve) { setTimeout(resolve, RETRY_DELAYS_MS[attempt]); })
    .then(function () { return send(item, false, attempt + 1); });
}

function handleMessage(message, item, alreadyRetried) {
  if (message.type === "miss") {
    // The server lost the session (expired, evicted, another process): resend our
    // signed copy once. Without a copy, the tab starts a fresh session.
    if (!alreadyRetried && session.state !== null) return send(item, true);
    resetSession();
    storeSession();
    return send({ path: item.path, event: null }, false);
  }
  if (message.type === "error") {
    showStatus(message.message, true, showErrorDialog(message) ? null : message.traceback);
    return null;
  }
  if (message.type === "render") {
    applyState(message);
    var moved = message.path !== location.pathname;
    if (moved) history.pushState({}, "", message.path);
    applyQuery(message.query);
    applyTitle(message, moved);
    // A notice (the tab's session had expired, so this page is a fresh one) stays
    // until the next event's render; anything else shown before is cleared.
    showStatus(message.notice || "", false);
    renderTree(message.tree);
    applyTheme(message.theme);
    runCommands(message.commands);
  }
  return null;
}

function applyState(message) {
  session.id = message.session;
  lockSession(session.id, 0);
  if (message.state !== undefined) {
    session.state = message.state;
  } else if (message.patch && session.state !== null) {
    session.state = applyPatch(session.state, message.patch);
  }
  session.sig = message.sig;
  storeSession();
}
