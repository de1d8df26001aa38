// Events to the server and its answers back.
//
// Events wait in a queue, and consecutive input events of one field collapse into the
// latest. The response is a stream of JSON lines, one render each, so a streaming
// handler's every `yield` is painted as it arrives (web/events_endpoint.py,
// web/protocol.py). One event's stream is read at a time; once it has delivered its
// first render, the next queued event is sent beside it, marked `during` (one at a time,
// in order): the server runs it between the stream's yields, its render arrives on the
// stream, and its own answer is only "merged" (web/merged_events.py). So a Stop button
// stops a streaming answer. While anything is pending, the busy bar shows (busy.js).

import { boot } from "./boot.js";
import { setBusy } from "./busy.js";
import { addBrowserHints, applyQuery, applyTheme, applyTitle, currentQuery, runCommands } from "./browser.js";
import { showErrorDialog } from "./error_dialog.js";
import { applyPatch } from "./patch.js";
import { renderTree } from "./render.js";
import { lockSession, resetSession, session, storeSession } from "./session.js";
import { showStatus } from "./status.js";

const queue = [];
// The event whose answer is being read ({ item, live, ended }; live: its first render
// has arrived), and the one sent during its stream.
let primary = null;
let extra = null;
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
  return queue.some(function (item) { return item.source === control; }) ||
    (extra !== null && extra.item.source === control);
}

// Another page of the app, without reloading this one (links, back/forward).
export function navigate(path) {
  history.pushState({}, "", path);
  enqueue({ path: path, event: null });
}

function pump() {
  setBusy(queue.length + (primary ? 1 : 0) + (extra ? 1 : 0) > 0);
  if (primary === null && queue.length > 0) start(queue.shift(), false);
  // An event (not a page load or redraw, which wait for the stream's end) beside a
  // stream that has begun; never after the server said "again" during this stream.
  if (primary !== null && primary.live && !primary.noExtra && extra === null &&
      queue.length > 0 && queue[0].event && session.id) {
    start(queue.shift(), true);
  }
}

function start(item, during) {
  var ended;
  var run = { item: item, live: false, noExtra: false, during: during,
              ended: new Promise(function (resolve) { ended = resolve; }) };
  // An event sent during a stream applies what it gets only once that stream has ended.
  run.after = during ? primary.ended : Promise.resolve();
  if (during) extra = run; else primary = run;
  send(item, false, 0, run).catch(function (err) {
    showStatus("Could not reach the server: " + err.message, true);
  }).then(function () {
    ended();
    if (primary === run) {
      // The event sent beside it, if any, is now the one whose answer is read.
      primary = extra;
      extra = null;
    } else if (extra === run) {
      extra = null;
    }
    pump();
  });
}

// The server could not run an event sent during a stream there (the stream ended, or
// runs in another process): it goes back to the head of the queue, and is sent again
// once that stream is over.
function sendAgainLater(item) {
  if (primary !== null) primary.noExtra = true;
  queue.unshift(item);
}

// ---- sending and reading the answer --------------------------------------------------

function send(item, withCopy, attempt, run) {
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
  if (run && run.during) body.during = true;
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
      }).then(function () { return send(item, withCopy, attempt + 1, run); });
    }
    if (!response.ok) return failed(response, "");
    return readLines(response, function (message) {
      if (message.type === "merged") return null;  // its render came on the stream
      if (message.type === "again") { sendAgainLater(item); return null; }
      if (message.type === "error") return handleMessage(message, item, withCopy);
      return (run ? run.after : Promise.resolve()).then(function () {
        // From here on the stream it was sent beside is over: sent again, it is plain.
        if (run) run.during = false;
        if (message.type === "retry") return retryUnsaved(message, item, attempt, run);
        var next = handleMessage(message, item, withCopy, run);
        if (run && message.type === "render" && !run.live) {
          run.live = true;
          pump();
        }
        return next;
      });
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
  // Each message is handled once the one before is (a handler may wait for a stream).
  var handled = Promise.resolve();
  function handle(message) {
    handled = handled.then(function () { return onMessage(message); });
  }
  function step() {
    return reader.read().then(function (chunk) {
      if (chunk.done) return handled;
      buffered += decoder.decode(chunk.value, { stream: true });
      var newline;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        var text = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (text) handle(JSON.parse(text));
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
function retryUnsaved(message, item, attempt, run) {
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
    .then(function () { return send(item, false, attempt + 1, run); });
}

function handleMessage(message, item, alreadyRetried, run) {
  if (message.type === "miss") {
    // The server lost the session (expired, evicted, another process): resend our
    // signed copy once. Without a copy, the tab starts a fresh session.
    if (!alreadyRetried && session.state !== null) return send(item, true, 0, run);
    resetSession();
    storeSession();
    return send({ path: item.path, event: null }, false, 0, run);
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
