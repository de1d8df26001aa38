// The tab's session: its id and the browser's signed copy of the state. With a
// server-side backend the copy is only sent back after a miss; with the `none` backend
// it travels with every event.

import { boot } from "./boot.js";

const storageKey = "mesop-session";
// MESOP_STATE_SESSION_KEEP_ON_RELOAD: see "keeping the session over a reload" below.
const keepOnReload = boot.keepOnReload === true;

// One object for the life of the page, changed in place, so every module sees the same.
export const session = loadStoredSession();

function emptySession() {
  return { id: null, state: null, sig: null, backend: boot.backend };
}

function loadStoredSession() {
  try {
    if (!keepOnReload) {
      // Left by a launch that kept sessions: this page load starts fresh all the same.
      sessionStorage.removeItem(storageKey);
    } else {
      var saved = JSON.parse(sessionStorage.getItem(storageKey) || "null");
      if (saved && saved.backend === boot.backend) return saved;
    }
  } catch (err) { /* storage disabled or corrupted: start over */ }
  return emptySession();
}

// Forget the session: the next event starts a fresh one.
export function resetSession() {
  Object.assign(session, emptySession());
}

export function storeSession() {
  if (!keepOnReload) return;
  try { sessionStorage.setItem(storageKey, JSON.stringify(session)); }
  catch (err) { /* over quota: the copy stays in memory only */ }
}

// ---- keeping the session over a reload ---------------------------------------------
// Off (the default, as in Mesop): the session lives in this page's memory only, so a
// reload starts a fresh one; the old one expires on the server after its TTL. Links,
// me.navigate and back/forward between the app's pages never reload the page, so they
// keep the state either way.
// On: the session is also kept in sessionStorage, which belongs to one tab, so a reload
// carries on with it while it lives, and a new tab starts fresh. "Duplicate tab" copies
// sessionStorage into the new tab while the original is still open; two tabs on one
// session would each see the other's changes, so each page holds a Web Lock named after
// its session, and a page whose stored session is still locked by another page after a
// short wait (a reloaded page lets go of it sooner) starts a session of its own.
const CLAIM_WAIT_MS = 1500;
let heldLock = { id: null, release: null };

// Resolves to false when another open page holds `id` for longer than `waitMs`.
export function lockSession(id, waitMs) {
  if (!keepOnReload || !id || heldLock.id === id || !navigator.locks) return Promise.resolve(true);
  if (heldLock.release) heldLock.release();
  var mine = heldLock = { id: id, release: null };
  return new Promise(function (resolve) {
    var options = {}, timer = null;
    if (waitMs && window.AbortController) {
      var controller = new AbortController();
      options.signal = controller.signal;
      timer = setTimeout(function () { controller.abort(); }, waitMs);
    }
    navigator.locks.request("mesop-session:" + id, options, function () {
      clearTimeout(timer);
      resolve(true);
      if (heldLock !== mine) return null;  // the tab moved to another session meanwhile
      return new Promise(function (release) { mine.release = release; });
    }).catch(function () {
      if (heldLock === mine) heldLock = { id: null, release: null };
      resolve(false);
    });
  });
}

export function claimStoredSession() {
  return lockSession(session.id, CLAIM_WAIT_MS).then(function (claimed) {
    if (!claimed) resetSession();
  });
}
