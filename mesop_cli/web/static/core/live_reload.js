// Dev only: the page follows the app's code.
//
// The dev server announces each reload of the app on a stream of server-sent events
// (web/live_reload.py; boot.liveUrl is absent in production and with --no-reload). On
// "reload" this tab's page is drawn again by the new code with its state kept: a refresh
// event, which draws the session's page and runs nothing (web/open_event.py); a tab
// whose page never loaded (the app was broken when it opened) loads it. On "app_error"
// the error dialog shows why the app does not load, until a reload that works closes it.
// "hello" comes on each connection: a version other than the last one seen means a
// reload was missed while disconnected (or the server restarted), so the page is redrawn.
//
// A browser opens at most six connections to one server and an EventSource holds one
// while its tab is open, so the tabs of a browser share one: the tab holding the Web Lock
// "mesop-live" opens it and passes each message on over a BroadcastChannel; when that
// tab closes, the lock (and the connection) moves to another tab.

import { boot } from "./boot.js";
import { clearErrorDialog, showAppError } from "./error_dialog.js";
import { session } from "./session.js";
import { enqueue, refreshWaiting } from "./transport.js";

const SHARED_NAME = "mesop-live";
// The version of the last reload this tab knows of; null until the first message.
let seen = null;
// The app's load error as last announced, for a tab that opens while it stands.
let standingError = null;

export function followCode() {
  if (!boot.liveUrl || typeof EventSource === "undefined") return;
  if (typeof BroadcastChannel === "undefined" || !navigator.locks) {
    listen(null);  // no way to share (not a secure context): a connection of its own
    return;
  }
  var shared = new BroadcastChannel(SHARED_NAME);
  var leading = false;
  shared.onmessage = function (event) {
    var message = event.data || {};
    if (message.type === "ask") {
      if (leading && standingError) shared.postMessage(standingError);
      return;
    }
    handle(message);
  };
  navigator.locks.request(SHARED_NAME, function () {
    leading = true;
    listen(shared);
    return new Promise(function () {});  // held for the life of the tab
  });
  shared.postMessage({ type: "ask" });  // a tab opening while the app is broken is told
}

function listen(shared) {
  var source = new EventSource(boot.liveUrl);
  source.onmessage = function (event) {
    var message;
    try { message = JSON.parse(event.data); } catch (err) { return; }
    if (shared) shared.postMessage(message);
    handle(message);
  };
}

function handle(message) {
  if (message.type === "hello") {
    var missed = seen !== null && message.version !== seen;
    seen = message.version;
    standingError = null;  // an app_error follows at once if it still stands
    clearErrorDialog();
    if (missed) redraw();
  } else if (message.type === "reload") {
    if (message.version === seen) return;  // announced twice (on connecting): drawn once
    seen = message.version;
    standingError = null;
    clearErrorDialog();
    redraw();
  } else if (message.type === "app_error") {
    seen = message.version;
    standingError = message;
    showAppError(message);
  }
}

function redraw() {
  if (!session.id) {
    enqueue({ path: location.pathname, event: null });  // the page never loaded: load it
  } else if (!refreshWaiting()) {
    enqueue({ path: location.pathname, event: null, refresh: true });
  }
}
