// Web components, as runtime/components/web_component.py (@me.web_component,
// me.insert_web_component).
//
// A web component is a custom element defined by one of the app's JavaScript modules,
// served from /__mesop__/web-components/ and loaded with import() (the CSP's
// script-src 'self' allows it). Its node names the element, its properties (set as
// JavaScript properties, never as attributes) and its events: each event's property is
// set to a handler id, and the element reports with Mesop's contract,
// `this.dispatchEvent(new MesopEvent(this.someEvent, value))`, which the global
// MesopEvent below makes work unchanged. The value goes to the server as a "web" event;
// the server runs it only if the session's page shows that handler.

import { boot } from "../core/boot.js";
import { showStatus } from "../core/status.js";
import { fire } from "../core/transport.js";

const WEB_MODULES_PREFIX = "/__mesop__/web-components/";
const WEB_EVENT = "mesop-event";
const WEB_ELEMENT_NAME = /^[a-z][a-z0-9._]*-[a-z0-9._-]*$/;
const webModules = {};

window.MesopEvent = class MesopEvent extends Event {
  constructor(handlerId, payload) {
    super(WEB_EVENT, { bubbles: true });
    this.handlerId = handlerId;
    this.payload = payload;
  }
};

// As the server checks: a plain identifier that neither loads nor runs code (src,
// srcdoc, on..., innerHTML) nor reaches the prototype, nor touches our own bookkeeping.
function safeWebProperty(name) {
  var lowered = name.toLowerCase();
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) && lowered.indexOf("on") !== 0 &&
    ["src", "srcdoc", "innerhtml", "outerhtml", "__proto__", "constructor", "prototype"]
      .indexOf(lowered) < 0 && name.indexOf("__mesop") !== 0;
}

function loadWebModule(url) {
  if (typeof url !== "string" || url.indexOf(WEB_MODULES_PREFIX) !== 0 || webModules[url]) return;
  // Under the app's base path; with MESOP_WEB_COMPONENTS_HTTP_CACHE_KEY, the cached copy.
  var key = boot.webComponentsCacheKey;
  var address = (boot.basePath || "") + url + (key ? "?v=" + encodeURIComponent(key) : "");
  webModules[url] = import(address).catch(function (err) {
    delete webModules[url];  // the next render tries again
    showStatus("Could not load the web component module " + url + ": " +
               (err && err.message ? err.message : err), true);
  });
}

// Properties are set once the element is defined (a plain element class would lose
// values set before its upgrade), and only when their value changed, so an element's
// own changes are not overwritten by renders that did not touch them.
function applyWebProperties(el, wrap) {
  var p = wrap.__mesopNode.p, applied = el.__mesopApplied;
  [p.properties || {}, p.events || {}].forEach(function (values) {
    Object.keys(values).forEach(function (name) {
      if (!safeWebProperty(name)) return;
      var text = JSON.stringify(values[name]);
      if (applied[name] === text) return;
      applied[name] = text;
      el[name] = values[name];
    });
  });
}

function sendWebEvent(wrap, ev) {
  var node = wrap.__mesopNode, events = node.p.events || {};
  var owned = typeof ev.handlerId === "string" && Object.keys(events).some(function (name) {
    return events[name] === ev.handlerId;
  });
  if (!owned) return;  // not one of this element's events: let it bubble on
  ev.stopPropagation();
  var text;
  try { text = JSON.stringify(ev.payload === undefined ? null : ev.payload); }
  catch (err) { showStatus("A web component sent a value that is not JSON: " + err.message, true); return; }
  fire(node, ev.handlerId, "web", text === undefined ? null : JSON.parse(text));
}

export const build = {
  web_component: function () {
    // The wrapper takes no room (display: contents); the custom element inside it is
    // replaced when the node names another element.
    var wrap = document.createElement("div");
    wrap.className = "mesop-web-component";
    wrap.addEventListener(WEB_EVENT, function (ev) { sendWebEvent(wrap, ev); });
    return wrap;
  },
};

export const update = {
  web_component: function (wrap, node) {
    var p = node.p;
    (p.modules || []).forEach(loadWebModule);
    if (typeof p.name !== "string" || !WEB_ELEMENT_NAME.test(p.name)) return;
    var el = wrap.__webElement;
    if (!el || el.localName !== p.name) {
      var created = document.createElement(p.name);
      created.__mesopApplied = {};
      if (el) wrap.replaceChild(created, el);
      else wrap.appendChild(created);
      el = wrap.__webElement = wrap.__mesopChildrenHost = created;
    }
    if (customElements.get(p.name)) applyWebProperties(el, wrap);
    else customElements.whenDefined(p.name).then(function () {
      if (wrap.__webElement === el) applyWebProperties(el, wrap);
    });
  },
};
