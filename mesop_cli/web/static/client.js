// mesop-cli client: renders the server's component tree and sends events.
// Plain JavaScript, no build step, no network beyond this origin.
//
// One event is in flight per tab; later ones wait in a queue, and consecutive input
// events of one field collapse into the latest. The response is a stream of JSON lines,
// one render each, so a streaming handler's every `yield` is painted as it arrives.
(function () {
  "use strict";

  var root = document.getElementById("mesop-root");
  var statusBox = document.getElementById("mesop-status");
  var boot = JSON.parse(root.getAttribute("data-boot"));
  var storageKey = "mesop-session";
  // MESOP_STATE_SESSION_KEEP_ON_RELOAD: see "keeping the session over a reload" below.
  var keepOnReload = boot.keepOnReload === true;

  // The browser's signed copy of the state. With a server-side backend it is only sent
  // back after a miss; with the `none` backend it travels with every event.
  var session = loadStoredSession();
  var queue = [];
  var busy = false;
  // Pauses before resending an event answered 503 (state store unreachable, session
  // busy): nothing ran, so resending is safe, and dropping the event would leave the
  // server's state behind what the page shows (the last characters typed, say).
  var RETRY_DELAYS_MS = [500, 1000, 2000];
  // True once me.set_page_title titled this page (examples block in handleMessage).
  var titleSet = false;

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
    return { id: null, state: null, sig: null, backend: boot.backend };
  }

  function storeSession() {
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
  var CLAIM_WAIT_MS = 1500;
  var heldLock = { id: null, release: null };

  // Resolves to false when another open page holds `id` for longer than `waitMs`.
  function lockSession(id, waitMs) {
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

  function claimStoredSession() {
    return lockSession(session.id, CLAIM_WAIT_MS).then(function (claimed) {
      if (!claimed) session = { id: null, state: null, sig: null, backend: boot.backend };
    });
  }

  // ---- event queue -----------------------------------------------------------------

  function enqueue(item) {
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
        session = { id: null, state: null, sig: null, backend: boot.backend };
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
      session = { id: null, state: null, sig: null, backend: boot.backend };
      storeSession();
      return send({ path: item.path, event: null }, false);
    }
    if (message.type === "error") {
      showStatus(message.message, true, message.traceback);
      return null;
    }
    if (message.type === "render") {
      applyState(message);
      var moved = message.path !== location.pathname;
      if (moved) history.pushState({}, "", message.path);
      applyQuery(message.query);  // query params
      // ---- examples: me.set_page_title lasts until the tab moves to another page ----
      if (message.page_title != null) { document.title = message.page_title; titleSet = true; }
      else if (moved || !titleSet) document.title = message.title || document.title;
      // ---- end examples ----
      // A notice (the tab's session had expired, so this page is a fresh one) stays
      // until the next event's render; anything else shown before is cleared.
      showStatus(message.notice || "", false);
      renderTree(message.tree);
      applyTheme(message.theme);  // theme/viewport
      runCommands(message.commands);  // theme/viewport
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

  // ---- JSON Patch (RFC 6902), the operations the server emits ------------------------

  function applyPatch(doc, operations) {
    operations.forEach(function (op) {
      if (op.path === "") { doc = clone(op.value); return; }
      if (op.op === "move" || op.op === "copy") {
        var moved = clone(getPointer(doc, op.from));
        if (op.op === "move") removePointer(doc, op.from);
        addPointer(doc, op.path, moved);
      } else if (op.op === "add") {
        addPointer(doc, op.path, clone(op.value));
      } else if (op.op === "replace") {
        removePointer(doc, op.path);
        addPointer(doc, op.path, clone(op.value));
      } else if (op.op === "remove") {
        removePointer(doc, op.path);
      }
    });
    return doc;
  }

  function clone(value) { return value === undefined ? value : JSON.parse(JSON.stringify(value)); }

  function splitPointer(pointer) {
    return pointer.split("/").slice(1).map(function (part) {
      return part.replace(/~1/g, "/").replace(/~0/g, "~");
    });
  }

  function parentOf(doc, pointer) {
    var parts = splitPointer(pointer);
    var last = parts.pop();
    var parent = doc;
    parts.forEach(function (part) { parent = parent[Array.isArray(parent) ? +part : part]; });
    return { parent: parent, key: last };
  }

  function getPointer(doc, pointer) {
    var at = parentOf(doc, pointer);
    return at.parent[Array.isArray(at.parent) ? +at.key : at.key];
  }

  function addPointer(doc, pointer, value) {
    var at = parentOf(doc, pointer);
    if (Array.isArray(at.parent)) {
      at.parent.splice(at.key === "-" ? at.parent.length : +at.key, 0, value);
    } else {
      // Not `parent[key] = value`: for the key "__proto__" that would set the prototype,
      // and the copy would no longer match what the server signed.
      Object.defineProperty(at.parent, at.key,
        { value: value, writable: true, enumerable: true, configurable: true });
    }
  }

  function removePointer(doc, pointer) {
    var at = parentOf(doc, pointer);
    if (Array.isArray(at.parent)) at.parent.splice(+at.key, 1);
    else delete at.parent[at.key];
  }

  // ---- rendering ---------------------------------------------------------------------
  // Elements are updated in place when the node at the same position has the same type
  // and key, so a field keeps its focus and caret while the user types.

  function renderTree(tree) {
    reconcileChildren(root, [tree], "m");
  }

  function reconcileChildren(parent, nodes, idPrefix) {
    var existing = Array.prototype.filter.call(parent.childNodes, function (el) {
      return el.__mesopNode !== undefined;
    });
    nodes.forEach(function (node, index) {
      var id = idPrefix + "-" + index;
      var current = existing[index];
      if (current && current.__mesopNode.t === node.t && current.__mesopNode.k === node.k) {
        update(current, node, id);
      } else {
        var created = create(node, id);
        if (current) parent.replaceChild(created, current);
        else parent.appendChild(created);
      }
    });
    for (var i = nodes.length; i < existing.length; i++) parent.removeChild(existing[i]);
  }

  function create(node, id) {
    var build = builders[node.t] || builders.unknown;
    var el = build(node, id);
    el.__mesopNode = { t: node.t, k: node.k };
    update(el, node, id);
    return el;
  }

  function update(el, node, id) {
    if (el.__mesopStyle !== node.s) {
      el.style.cssText = node.s || "";
      el.__mesopStyle = node.s;
    }
    el.__mesopNode = node;
    (updaters[node.t] || function () {})(el, node, id);
    if (node.c && el.__mesopChildren !== false) {
      reconcileChildren(el.__mesopChildrenHost || el, node.c, id);
    }
  }

  function fire(node, handler, kind, value, source) {
    if (!handler) return;
    enqueue({ path: location.pathname, source: source,
              event: { handler: handler, kind: kind, key: node.k || "", value: value } });
  }

  // True while an input event of this field waits in the queue: the user typed after the
  // event being answered was sent, so its render holds an older value than the field.
  function typedSince(control) {
    return queue.some(function (item) { return item.source === control; });
  }

  function labelled(tag, id, controlTag) {
    var wrap = document.createElement("div");
    wrap.className = "mesop-field";
    var label = document.createElement("label");
    label.htmlFor = id;
    var control = document.createElement(controlTag);
    control.id = id;
    wrap.appendChild(label);
    wrap.appendChild(control);
    wrap.__label = label;
    wrap.__control = control;
    wrap.__mesopChildren = false;
    return wrap;
  }

  // A checkbox (or, with role "switch", a slide toggle) and its label. The label's text
  // is a span of its own: the content_ variants put their children in the label instead.
  function checkControl(id, role) {
    var wrap = document.createElement("div");
    var control = document.createElement("input");
    control.type = "checkbox";
    if (role) control.setAttribute("role", role);
    control.id = id;
    var label = document.createElement("label");
    label.htmlFor = id;
    var text = document.createElement("span");
    label.appendChild(text);
    wrap.appendChild(control);
    wrap.appendChild(label);
    wrap.__control = control;
    wrap.__labelText = text;
    wrap.__mesopChildrenHost = label;
    return wrap;
  }

  // The page's CSP requires Trusted Types (unless the app turned them off): a string
  // reaches innerHTML only through this policy, named in the CSP (web/csp.py). Only HTML
  // the server made safe goes through it (Markdown rendered with raw HTML disabled, me.html
  // cleaned against an allow-list), or HTML shut in a sandboxed frame of its own origin.
  var htmlPolicy = window.trustedTypes && window.trustedTypes.createPolicy
    ? window.trustedTypes.createPolicy("mesop-cli", { createHTML: function (html) { return html; } })
    : null;
  function trustedHTML(html) { return htmlPolicy ? htmlPolicy.createHTML(html) : html; }

  // The only style inside me.html's shadow roots, shared by all: links in the page's
  // colour (custom properties do cross the shadow edge) and the sandbox frame filling its
  // box. mesop.css makes the host itself a paint-contained box.
  var htmlSheet = null;
  function htmlShadowSheet() {
    if (!htmlSheet) {
      htmlSheet = new CSSStyleSheet();
      htmlSheet.replaceSync("a { color: var(--sys-primary); }\n" +
        "iframe { width: 100%; height: 100%; border: 0; display: block; }");
    }
    return htmlSheet;
  }

  function setText(el, text) { if (el.textContent !== text) el.textContent = text; }

  // Only overwrite a field's value when the server's value changed, so a stale render
  // arriving mid-typing does not erase what the user just typed.
  function setServerValue(control, value) {
    if (control.__serverValue !== value) {
      control.__serverValue = value;
      if (control.value !== value) control.value = value;
    }
  }

  // on_opened_change of me.select: the browser's own list of options opens and closes
  // without an event of its own. After anything the user does to the select, ask it whether
  // it is :open (a pseudo-class current Chromium knows), and while it is, look again each frame
  // until it closes (Escape closes it without any event). A browser that does not know
  // :open is told "open" by a press that opens the list and "closed" by a choice or a blur.
  var knowsOpen = (function () {
    try { document.createElement("select").matches(":open"); return true; } catch (e) { return false; }
  })();
  function watchSelectOpened(wrap) {
    var control = wrap.__control, opened = false, watching = false;
    function report(now) {
      if (now === opened) return;
      opened = now;
      fire(wrap.__mesopNode, wrap.__mesopNode.p.on_opened_change, "select_opened", now);
    }
    function look() {
      watching = false;
      if (control.multiple) return;
      report(control.matches(":open"));
      if (opened) { watching = true; requestAnimationFrame(look); }
    }
    function soon() { if (!watching) { watching = true; requestAnimationFrame(look); } }
    if (knowsOpen) {
      ["mousedown", "mouseup", "click", "keydown", "keyup", "change", "blur"].forEach(function (type) {
        control.addEventListener(type, soon);
      });
      return;
    }
    control.addEventListener("mousedown", function (ev) { if (ev.button === 0 && !control.multiple) report(!opened); });
    control.addEventListener("keydown", function (ev) {
      if (!control.multiple && (ev.key === " " || ev.key === "Enter" || (ev.altKey && ev.key === "ArrowDown"))) report(true);
    });
    control.addEventListener("change", function () { report(false); });
    control.addEventListener("blur", function () { report(false); });
  }

  function textField(tag) {
    return function (node, id) {
      var wrap = labelled(tag, id, tag);
      var control = wrap.__control;
      control.addEventListener("input", function () {
        if (tag === "textarea") autosize(control, wrap.__mesopNode.p);
        fire(wrap.__mesopNode, wrap.__mesopNode.p.on_input, "input", control.value, control);
      });
      control.addEventListener("blur", function () {
        fire(wrap.__mesopNode, wrap.__mesopNode.p.on_blur, "blur", control.value);
      });
      control.addEventListener("keydown", function (ev) {
        // ---- examples: me.textarea(shortcuts=...), as native_textarea's ----
        var shortcut = matchingShortcut(wrap.__mesopNode.p.shortcuts || [], ev);
        if (shortcut) {
          ev.preventDefault();
          fire(wrap.__mesopNode, shortcut.handler, "shortcut", { value: control.value,
            shortcut: { key: shortcut.key, shift: shortcut.shift, ctrl: shortcut.ctrl,
                        alt: shortcut.alt, meta: shortcut.meta } });
          return;
        }
        // ---- end examples ----
        var submit = tag === "input" ? ev.key === "Enter" : ev.key === "Enter" && (ev.ctrlKey || ev.metaKey);
        if (submit) fire(wrap.__mesopNode, wrap.__mesopNode.p.on_enter, "enter", control.value);
      });
      return wrap;
    };
  }

  function updateTextField(wrap, node) {
    var p = node.p, control = wrap.__control;
    setText(wrap.__label, (p.label || "") + (p.required && !p.hide_required_marker ? " *" : ""));
    wrap.__label.hidden = !p.label;
    if (!p.label && p.placeholder) control.setAttribute("aria-label", p.placeholder);
    control.placeholder = p.placeholder || "";
    control.disabled = !!p.disabled;
    control.readOnly = !!p.readonly;
    control.required = !!p.required;
    if (control.tagName === "INPUT") control.type = p.input_type || "text";
    if (p.rows) control.rows = p.autosize ? (p.min_rows || p.rows) : p.rows;
    updateHint(wrap, p);
    // Writing an older value into the field would erase what was typed since.
    if (!typedSince(control)) setServerValue(control, p.value == null ? "" : String(p.value));
    if (control.tagName === "TEXTAREA") autosize(control, p);
  }

  // The hint line under a field (hint_label), read out with it through aria-describedby.
  // "fixed" subscript sizing keeps the line's room when there is no hint, so the page
  // does not move when one appears; "dynamic" takes room only for a hint.
  function updateHint(wrap, p) {
    var hint = wrap.__hint;
    if (!hint && (p.hint_label || p.subscript_sizing === "fixed")) {
      hint = wrap.__hint = document.createElement("div");
      hint.className = "mesop-hint";
      hint.id = wrap.__control.id + "-hint";
      wrap.appendChild(hint);
    }
    if (!hint) return;
    setText(hint, p.hint_label || "");
    hint.hidden = !p.hint_label && p.subscript_sizing !== "fixed";
    if (p.hint_label) wrap.__control.setAttribute("aria-describedby", hint.id);
    else wrap.__control.removeAttribute("aria-describedby");
  }

  // The first of a native textarea's shortcuts that the key press is (key without case,
  // every modifier exactly as given), or null.
  function matchingShortcut(shortcuts, ev) {
    var key = (ev.key || "").toLowerCase();
    for (var i = 0; i < shortcuts.length; i++) {
      var s = shortcuts[i];
      if (s.key.toLowerCase() === key && s.shift === ev.shiftKey && s.ctrl === ev.ctrlKey &&
          s.alt === ev.altKey && s.meta === ev.metaKey) return s;
    }
    return null;
  }

  // Grow a native textarea with `autosize` to fit its text, up to `max_rows` lines.
  function autosize(control, p) {
    if (!p.autosize) return;
    control.style.height = "auto";
    var height = control.scrollHeight;
    if (p.max_rows) {
      var style = getComputedStyle(control);
      var line = parseFloat(style.lineHeight) || 1.2 * parseFloat(style.fontSize);
      var extra = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
      height = Math.min(height, p.max_rows * line + extra);
    }
    control.style.height = height + "px";
  }

  // ---- uploads (me.uploader, me.content_uploader) ------------------------------------
  // The chosen files travel as an ordinary "upload" event, each file's bytes in base64,
  // so they get every check an event gets. Files over the server's limit are refused here
  // with a message, before anything is read; the server checks the limit again.

  function describeBytes(count) {
    if (count < 1024) return count + (count === 1 ? " byte" : " bytes");
    var units = [["GB", 1073741824], ["MB", 1048576], ["KB", 1024]];
    for (var i = 0; i < units.length; i++) {
      if (count >= units[i][1]) return (count / units[i][1]).toFixed(1).replace(/\.0$/, "") + " " + units[i][0];
    }
  }

  function readAsBase64(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(reader.result.slice(reader.result.indexOf(",") + 1)); };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsDataURL(file);
    });
  }

  function uploadFiles(wrap, files) {
    if (!wrap.__mesopNode.p.on_upload) return;
    var total = files.reduce(function (sum, file) { return sum + file.size; }, 0);
    if (total > boot.maxUploadBytes) {
      var what = files.length === 1 ? files[0].name + " is " + describeBytes(total)
        : "The " + files.length + " files chosen are " + describeBytes(total) + " together";
      showStatus(what + ", more than the " + describeBytes(boot.maxUploadBytes) +
                 " this app accepts in one upload; nothing was uploaded.", true);
      return;
    }
    Promise.all(files.map(readAsBase64)).then(function (contents) {
      var node = wrap.__mesopNode;
      fire(node, node.p.on_upload, "upload", files.map(function (file, i) {
        return { name: file.name, size: file.size, mime_type: file.type, contents: contents[i] };
      }));
    }, function (err) {
      showStatus("Could not read the file: " + (err && err.message ? err.message : err), true);
    });
  }

  function uploaderBuilder(node, id) {
    // A button the user sees and reaches by keyboard; the file input stays hidden.
    var wrap = document.createElement("span");
    wrap.className = "mesop-uploader";
    var picker = document.createElement("input");
    picker.type = "file";
    picker.id = id + "-file";
    picker.hidden = true;
    picker.tabIndex = -1;
    var button = document.createElement("button");
    button.type = "button";
    wrap.appendChild(picker);
    wrap.appendChild(button);
    wrap.__picker = picker;
    wrap.__button = button;
    // content_uploader: the children are the button's content.
    wrap.__mesopChildrenHost = button;
    button.addEventListener("click", function (ev) { ev.stopPropagation(); picker.click(); });
    picker.addEventListener("change", function () {
      var chosen = Array.prototype.slice.call(picker.files || []);
      picker.value = "";  // so that choosing the same file again is a new upload
      if (chosen.length) uploadFiles(wrap, chosen);
    });
    return wrap;
  }

  function updateUploader(wrap, node) {
    var p = node.p, button = wrap.__button, picker = wrap.__picker;
    button.className = "mesop-button mesop-button-" + (p.variant || "default") +
      (p.color ? " mesop-color-" + p.color : "");
    button.disabled = picker.disabled = !!p.disabled;
    picker.multiple = !!p.multiple;
    var accept = (p.accept || []).join(",");
    if (picker.accept !== accept) picker.accept = accept;
    var label = wrap.__labelNode;
    if (!label && p.label) { label = wrap.__labelNode = document.createElement("span"); button.insertBefore(label, button.firstChild); }
    if (label) setText(label, p.label || "");
  }
  // ---- end of uploads ------------------------------------------------------------------

  var builders = {
    text: function (node) { return document.createElement(node.p.tag || "p"); },
    markdown: function () { var el = document.createElement("div"); el.className = "mesop-markdown"; return el; },
    button: function () {
      var el = document.createElement("button");
      el.type = "button";
      el.addEventListener("click", function (ev) {
        ev.stopPropagation();
        // Mesop's ClickEvent.is_target: was the box itself clicked, not something in it?
        fire(el.__mesopNode, el.__mesopNode.p.on_click, "click", ev.target === el);
      });
      return el;
    },
    input: textField("input"),
    textarea: textField("textarea"),
    checkbox: function (node, id) {
      var wrap = checkControl(id, null);
      var control = wrap.__control;
      control.addEventListener("change", function () {
        var p = wrap.__mesopNode.p;
        fire(wrap.__mesopNode, p.on_change, "change", control.checked);
        // A click clears the "mixed" state (the browser already did), as in Mesop.
        if (p.indeterminate) fire(wrap.__mesopNode, p.on_indeterminate_change, "indeterminate", false);
      });
      return wrap;
    },
    select: function (node, id) {
      var wrap = labelled("select", id, "select");
      wrap.__control.addEventListener("change", function () {
        var values = Array.prototype.filter.call(wrap.__control.options, function (o) { return o.selected; })
          .map(function (o) { return o.value; });
        fire(wrap.__mesopNode, wrap.__mesopNode.p.on_selection_change, "selection", values);
      });
      watchSelectOpened(wrap);
      return wrap;
    },
    slider: function (node, id) {
      var wrap = labelled("input", id, "input");
      wrap.__control.type = "range";
      wrap.__control.addEventListener("change", function () {
        fire(wrap.__mesopNode, wrap.__mesopNode.p.on_value_change, "slider", parseFloat(wrap.__control.value));
      });
      return wrap;
    },
    box: function () {
      var el = document.createElement("div");
      el.addEventListener("click", function (ev) {
        if (!el.__mesopNode.p.on_click) return;
        ev.stopPropagation();
        fire(el.__mesopNode, el.__mesopNode.p.on_click, "click", pointerAt(ev, el));
      });
      // ---- widgets: box(on_right_click=...) ----
      el.addEventListener("contextmenu", function (ev) {
        if (!el.__mesopNode.p.on_right_click) return;
        ev.preventDefault();
        ev.stopPropagation();
        fire(el.__mesopNode, el.__mesopNode.p.on_right_click, "right_click", pointerAt(ev, el));
      });
      // ---- end widgets ----
      return el;
    },
    divider: function () { return document.createElement("hr"); },
    link: function () {
      var el = document.createElement("a");
      el.addEventListener("click", function (ev) {
        var url = el.getAttribute("href") || "";
        if (url.charAt(0) === "/" && url.charAt(1) !== "/" && el.target !== "_blank") {
          ev.preventDefault();
          navigate(url);
        }
      });
      return el;
    },
    progress_spinner: function () {
      var el = document.createElement("div");
      el.className = "mesop-spinner";
      el.setAttribute("role", "progressbar");
      el.setAttribute("aria-label", "Loading");
      return el;
    },
    icon: function () {
      // The name is drawn by the bundled icon font's ligatures and read out as the name.
      var el = document.createElement("span");
      el.className = "mesop-icon";
      el.setAttribute("role", "img");
      return el;
    },
    tooltip: function (node, id) {
      var el = document.createElement("span");
      var tip = document.createElement("span");
      tip.id = id + "-tip";
      tip.className = "mesop-tooltip-message";
      tip.setAttribute("role", "tooltip");
      el.appendChild(tip);
      el.__tip = tip;
      return el;
    },
    slide_toggle: function (node, id) {
      var wrap = checkControl(id, "switch");
      var control = wrap.__control;
      control.addEventListener("change", function () {
        fire(wrap.__mesopNode, wrap.__mesopNode.p.on_change, "toggle", control.checked);
      });
      return wrap;
    },
    radio: function () {
      var el = document.createElement("div");
      el.setAttribute("role", "radiogroup");
      el.__mesopChildren = false;
      return el;
    },
    progress_bar: function () {
      var el = document.createElement("div");
      el.setAttribute("role", "progressbar");
      el.setAttribute("aria-label", "Progress");
      var buffer = document.createElement("div");
      buffer.className = "mesop-progress-buffer";
      var fill = document.createElement("div");
      fill.className = "mesop-progress-fill";
      el.appendChild(buffer);
      el.appendChild(fill);
      el.__buffer = buffer;
      el.__fill = fill;
      el.__mesopChildren = false;
      fill.addEventListener("transitionend", function (ev) {
        var p = el.__mesopNode.p;
        if (ev.propertyName !== "width" || (p.mode !== "determinate" && p.mode !== "buffer")) return;
        fire(el.__mesopNode, p.on_animation_end, "animation_end", p.value);
      });
      return el;
    },
    image: function () { return document.createElement("img"); },
    html: function () {
      var el = document.createElement("div");
      el.__mesopChildren = false;
      // The markup lives in a shadow root: the page's stylesheets stop at its edge, so no
      // class or selector of the page (the side nav's fixed, z-indexed ones) reaches it.
      var root = el.attachShadow({ mode: "open" });
      if (root.adoptedStyleSheets) root.adoptedStyleSheets = [htmlShadowSheet()];
      return el;
    },
    native_textarea: function (node, id) {
      var control = document.createElement("textarea");
      control.id = id;
      control.className = "mesop-native-textarea";
      control.__mesopChildren = false;
      control.addEventListener("input", function () {
        autosize(control, control.__mesopNode.p);
        fire(control.__mesopNode, control.__mesopNode.p.on_input, "input", control.value, control);
      });
      control.addEventListener("blur", function () {
        fire(control.__mesopNode, control.__mesopNode.p.on_blur, "blur", control.value);
      });
      control.addEventListener("keydown", function (ev) {
        var shortcut = matchingShortcut(control.__mesopNode.p.shortcuts || [], ev);
        if (!shortcut) return;
        // The shortcut replaces what the key would do (Enter sends instead of breaking a line).
        ev.preventDefault();
        fire(control.__mesopNode, shortcut.handler, "shortcut", {
          value: control.value,
          shortcut: { key: shortcut.key, shift: shortcut.shift, ctrl: shortcut.ctrl,
                      alt: shortcut.alt, meta: shortcut.meta },
        });
      });
      return control;
    },
    table: function () {
      var wrap = document.createElement("div");
      wrap.className = "mesop-table";
      wrap.__mesopChildren = false;
      function cellEvent(ev) {
        var cell = ev.target.closest("td");
        if (!cell || !wrap.contains(cell) || !wrap.__mesopNode.p.on_click) return;
        if (ev.type === "keydown") {
          if (ev.key !== "Enter" && ev.key !== " ") return;
          ev.preventDefault();
        }
        fire(wrap.__mesopNode, wrap.__mesopNode.p.on_click, "table_click",
             { row_index: +cell.getAttribute("data-row"), col_index: +cell.getAttribute("data-col") });
      }
      wrap.addEventListener("click", cellEvent);
      wrap.addEventListener("keydown", cellEvent);
      return wrap;
    },
    uploader: uploaderBuilder,
    unknown: function () { return document.createElement("div"); },
  };

  var updaters = {
    uploader: updateUploader,
    text: function (el, node) { setText(el, String(node.p.text == null ? "" : node.p.text)); },
    markdown: function (el, node) {
      // Sanitized on the server: markdown-it with raw HTML disabled.
      if (el.__html !== node.p.html) { el.innerHTML = trustedHTML(node.p.html); el.__html = node.p.html; }
    },
    button: function (el, node) {
      el.disabled = !!node.p.disabled;
      el.className = "mesop-button mesop-button-" + (node.p.variant || "default") +
        (node.p.color ? " mesop-color-" + node.p.color : "");
      var label = el.__labelNode;
      // content_button has no label: its children are its content.
      if (!label && node.p.label) { label = el.__labelNode = document.createElement("span"); el.insertBefore(label, el.firstChild); }
      if (label) setText(label, node.p.label || "");
      el.__mesopChildrenHost = el;
    },
    input: updateTextField,
    textarea: updateTextField,
    checkbox: function (wrap, node) {
      wrap.className = "mesop-field mesop-checkbox" +
        (node.p.label_position === "before" ? " mesop-label-before" : "");
      setText(wrap.__labelText, node.p.label || "");
      wrap.__control.disabled = !!node.p.disabled;
      wrap.__control.tabIndex = node.p.tab_index || 0;
      if (wrap.__control.__serverValue !== !!node.p.checked) {
        wrap.__control.__serverValue = wrap.__control.checked = !!node.p.checked;
      }
      // "Mixed" for screen readers and the eye; the next click clears it, as in Mesop.
      wrap.__control.indeterminate = !!node.p.indeterminate;
    },
    select: function (wrap, node) {
      var p = node.p, control = wrap.__control;
      setText(wrap.__label, p.label || "");
      control.multiple = !!p.multiple;
      control.disabled = !!p.disabled;
      control.tabIndex = p.tab_index || 0;
      var signature = JSON.stringify([p.options, p.value, p.placeholder]);
      if (control.__serverValue === signature) return;
      control.__serverValue = signature;
      control.textContent = "";
      if (!p.multiple) {
        // Shown while nothing is chosen; it cannot be chosen back.
        var blank = document.createElement("option");
        blank.value = ""; blank.textContent = p.placeholder || ""; blank.disabled = true;
        control.appendChild(blank);
      }
      var chosen = p.value || [];
      p.options.forEach(function (opt) {
        var option = document.createElement("option");
        option.value = opt.value;
        option.textContent = opt.label;
        option.selected = chosen.indexOf(opt.value) >= 0;
        control.appendChild(option);
      });
      if (!p.multiple && chosen.length === 0) control.selectedIndex = 0;
    },
    slider: function (wrap, node) {
      var p = node.p, control = wrap.__control;
      setText(wrap.__label, p.label || "");
      wrap.__label.hidden = !p.label;
      if (!p.label) control.setAttribute("aria-label", "Slider");
      control.min = p.min; control.max = p.max; control.step = p.step;
      control.disabled = !!p.disabled;
      setServerValue(control, String(p.value));
    },
    box: function (el, node) {
      el.className = node.p.on_click ? "mesop-box mesop-clickable" : "mesop-box";
      // The app's own classes (classes=), for the rules of its page stylesheets.
      if (node.p.classes) el.classList.add.apply(el.classList, node.p.classes);
    },
    link: function (el, node) {
      setText(el, node.p.text || "");
      el.href = node.p.url || "#";
      if (node.p.open_in_new_tab) { el.target = "_blank"; el.rel = "noopener noreferrer"; }
      else { el.removeAttribute("target"); el.removeAttribute("rel"); }
    },
    icon: function (el, node) {
      setText(el, node.p.icon || "");
      el.setAttribute("aria-label", node.p.icon || "");
    },
    tooltip: function (el, node) {
      var p = node.p, tip = el.__tip;
      el.className = "mesop-tooltip mesop-tooltip-" + (p.position || "left");
      setText(tip, p.message || "");
      var shown = !p.disabled && !!p.message;
      tip.hidden = !shown;
      if (shown) el.setAttribute("aria-describedby", tip.id); else el.removeAttribute("aria-describedby");
      tip.style.setProperty("--mesop-show-delay", (p.show_delay_ms || 0) + "ms");
      tip.style.setProperty("--mesop-hide-delay", (p.hide_delay_ms || 0) + "ms");
    },
    slide_toggle: function (wrap, node) {
      var p = node.p, control = wrap.__control;
      wrap.className = "mesop-field mesop-toggle" + (p.label_position === "before" ? " mesop-label-before" : "") +
        (p.hide_icon ? " mesop-toggle-no-icon" : "") + (p.color ? " mesop-color-" + p.color : "");
      setText(wrap.__labelText, p.label || "");
      control.disabled = !!p.disabled;
      control.required = !!p.required;
      control.tabIndex = p.tab_index || 0;
      if (control.__serverValue !== !!p.checked) control.__serverValue = control.checked = !!p.checked;
    },
    radio: function (el, node, id) {
      var p = node.p;
      el.className = "mesop-radio" + (p.color ? " mesop-color-" + p.color : "");
      var layout = JSON.stringify([p.options, p.label_position]);
      if (el.__layout !== layout) {
        el.__layout = layout;
        el.__serverValue = undefined;
        el.textContent = "";
        p.options.forEach(function (opt, index) {
          var label = document.createElement("label");
          var control = document.createElement("input");
          control.type = "radio";
          control.name = id;
          control.id = id + "-" + index;
          control.value = opt.value;
          var text = document.createElement("span");
          text.textContent = opt.label;
          if (p.label_position === "before") { label.appendChild(text); label.appendChild(control); }
          else { label.appendChild(control); label.appendChild(text); }
          control.addEventListener("change", function () {
            if (control.checked) fire(el.__mesopNode, el.__mesopNode.p.on_change, "radio", control.value);
          });
          el.appendChild(label);
        });
      }
      var inputs = el.querySelectorAll("input");
      Array.prototype.forEach.call(inputs, function (control) { control.disabled = !!p.disabled; });
      if (el.__serverValue !== p.value) {
        el.__serverValue = p.value;
        Array.prototype.forEach.call(inputs, function (control) { control.checked = control.value === p.value; });
      }
    },
    progress_bar: function (el, node) {
      var p = node.p;
      var measured = p.mode === "determinate" || p.mode === "buffer";
      el.className = "mesop-progress-bar mesop-progress-" + p.mode + (p.color ? " mesop-color-" + p.color : "");
      if (measured) {
        el.setAttribute("aria-valuemin", "0");
        el.setAttribute("aria-valuemax", "100");
        el.setAttribute("aria-valuenow", String(p.value));
        el.__fill.style.width = p.value + "%";
        el.__buffer.style.width = p.mode === "buffer" ? p.buffer_value + "%" : "0";
      } else {
        ["aria-valuemin", "aria-valuemax", "aria-valuenow"].forEach(function (name) { el.removeAttribute(name); });
        el.__fill.style.width = "";
        el.__buffer.style.width = "";
      }
    },
    image: function (el, node) {
      // The server let through only http(s), relative and data:image URLs.
      if (el.getAttribute("src") !== node.p.src) el.setAttribute("src", node.p.src);
      el.alt = node.p.alt || "";
    },
    html: function (el, node) {
      var p = node.p;
      var root = el.shadowRoot;
      if (el.__mode !== p.mode) { el.__mode = p.mode; el.__html = undefined; root.textContent = ""; }
      el.className = "mesop-html mesop-html-" + p.mode;
      if (el.__html === p.html) return;
      el.__html = p.html;
      if (p.mode === "sandboxed") {
        // Its own opaque origin: what runs in it cannot reach this page, its cookies or state.
        var frame = root.firstChild;
        if (!frame) {
          frame = document.createElement("iframe");
          frame.setAttribute("sandbox", "allow-scripts");
          frame.title = "Embedded content";
          root.appendChild(frame);
        }
        frame.srcdoc = trustedHTML(p.html);
      } else {
        // Cleaned on the server against an allow-list (mesop_cli/runtime/safe_html.py).
        root.innerHTML = trustedHTML(p.html);
      }
    },
    native_textarea: function (control, node) {
      var p = node.p;
      control.placeholder = p.placeholder || "";
      if (p.placeholder) control.setAttribute("aria-label", p.placeholder);
      else control.removeAttribute("aria-label");
      control.disabled = !!p.disabled;
      control.readOnly = !!p.readonly;
      control.rows = p.min_rows || (p.autosize ? 1 : 2);
      if (!typedSince(control)) setServerValue(control, p.value == null ? "" : String(p.value));
      autosize(control, p);
    },
    table: function (wrap, node) {
      var p = node.p;
      var signature = JSON.stringify([p.columns, p.rows, p.sticky_header, p.sticky_columns, !!p.on_click]);
      if (wrap.__signature === signature) return;
      wrap.__signature = signature;
      wrap.textContent = "";
      var table = document.createElement("table");
      var head = table.createTHead();
      if (p.sticky_header) head.className = "mesop-sticky";
      var headRow = head.insertRow();
      p.columns.forEach(function (name, col) {
        var th = document.createElement("th");
        th.scope = "col";
        th.textContent = name;
        if (p.sticky_columns.indexOf(col) >= 0) th.className = "mesop-sticky-column";
        headRow.appendChild(th);
      });
      var body = table.createTBody();
      p.rows.forEach(function (row) {
        var tr = body.insertRow();
        row.cells.forEach(function (value, col) {
          var td = tr.insertCell();
          td.textContent = value;
          td.setAttribute("data-row", String(row.index));
          td.setAttribute("data-col", String(col));
          if (p.sticky_columns.indexOf(col) >= 0) td.className = "mesop-sticky-column";
          if (p.on_click) { td.tabIndex = 0; td.classList.add("mesop-clickable"); }
        });
      });
      wrap.appendChild(table);
    },
  };

  // ---- examples: card, expansion panel, accordion, badge, video, audio, embed --------

  function decorativeIcon(name) {
    var icon = document.createElement("span");
    icon.className = "mesop-icon";
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = name;
    return icon;
  }

  function classed(tag, className) {
    var el = document.createElement(tag);
    el.className = className;
    return el;
  }

  Object.assign(builders, {
    card: function () { return classed("div", "mesop-card"); },
    card_header: function () {
      var el = classed("div", "mesop-card-header");
      var image = document.createElement("img");
      image.alt = "";
      var words = classed("div", "mesop-card-header-text");
      var title = classed("div", "mesop-card-title");
      var subtitle = classed("div", "mesop-card-subtitle");
      words.appendChild(title);
      words.appendChild(subtitle);
      el.appendChild(image);
      el.appendChild(words);
      el.__image = image; el.__title = title; el.__subtitle = subtitle;
      el.__mesopChildren = false;
      return el;
    },
    card_content: function () { return classed("div", "mesop-card-content"); },
    card_actions: function () { return classed("div", "mesop-card-actions"); },
    accordion: function () { return classed("div", "mesop-accordion"); },
    expansion_panel: function () {
      var el = document.createElement("details");
      var summary = document.createElement("summary");
      var icon = decorativeIcon("");
      var words = classed("span", "mesop-panel-text");
      var title = classed("span", "mesop-panel-title");
      var description = classed("span", "mesop-panel-description");
      var chevron = decorativeIcon("expand_more");
      chevron.classList.add("mesop-panel-chevron");
      words.appendChild(title);
      words.appendChild(description);
      summary.appendChild(icon);
      summary.appendChild(words);
      summary.appendChild(chevron);
      var body = classed("div", "mesop-panel-body");
      el.appendChild(summary);
      el.appendChild(body);
      el.__icon = icon; el.__title = title; el.__description = description;
      el.__summary = summary;
      el.__mesopChildrenHost = body;
      summary.addEventListener("click", function (ev) {
        var p = el.__mesopNode.p;
        if (p.disabled) { ev.preventDefault(); return; }
        // The panel opens or closes here at once (as Mesop's does); the app hears where
        // it moved, and a render whose `expanded` changed has the last word.
        fire(el.__mesopNode, p.on_toggle, "expansion_toggle", !el.open);
      });
      return el;
    },
    badge: function (node, id) {
      var el = classed("span", "mesop-badge-host");
      var bubble = document.createElement("span");
      bubble.id = id + "-badge";
      el.appendChild(bubble);
      el.__bubble = bubble;
      return el;
    },
    video: function () {
      var el = document.createElement("video");
      el.controls = true;
      return el;
    },
    audio: function () {
      var el = document.createElement("audio");
      el.controls = true;
      return el;
    },
    embed: function () {
      var el = document.createElement("iframe");
      // Its own scripts and forms run, but it cannot navigate or script this page
      // (no allow-top-navigation), and it learns nothing of where it is embedded.
      el.setAttribute("sandbox", "allow-scripts allow-same-origin allow-forms allow-popups");
      el.setAttribute("referrerpolicy", "no-referrer");
      el.title = "Embedded page";
      el.className = "mesop-embed";
      return el;
    },
  });

  // A URL attribute is written only when it changed, so a playing video or a framed
  // page the user moved around in is not reloaded by every render.
  function setSource(el, src) {
    if (el.getAttribute("src") !== src) el.setAttribute("src", src);
  }

  Object.assign(updaters, {
    card: function (el, node) {
      el.className = "mesop-card mesop-card-" + (node.p.appearance || "outlined");
    },
    card_header: function (el, node) {
      var p = node.p;
      el.className = "mesop-card-header mesop-card-image-" + (p.image_type || "avatar");
      el.__image.hidden = !p.image;
      // The server let through only http(s), relative and data:image URLs.
      if (p.image) setSource(el.__image, p.image); else el.__image.removeAttribute("src");
      setText(el.__title, p.title || "");
      setText(el.__subtitle, p.subtitle || "");
      el.__subtitle.hidden = !p.subtitle;
    },
    card_actions: function (el, node) {
      el.className = "mesop-card-actions mesop-card-actions-" + (node.p.align || "start");
    },
    expansion_panel: function (el, node) {
      var p = node.p;
      el.className = "mesop-expansion-panel" + (p.hide_toggle ? " mesop-panel-no-toggle" : "") +
        (p.disabled ? " mesop-disabled" : "");
      setText(el.__icon, p.icon || "");
      el.__icon.hidden = !p.icon;
      setText(el.__title, p.title || "");
      setText(el.__description, p.description || "");
      el.__description.hidden = !p.description;
      if (p.disabled) el.__summary.setAttribute("aria-disabled", "true");
      else el.__summary.removeAttribute("aria-disabled");
      // `expanded` None leaves the panel to the user; a value is applied when it changes.
      var wanted = p.expanded === true || p.expanded === false ? p.expanded : null;
      if (wanted !== null && el.__serverValue !== wanted) el.open = wanted;
      el.__serverValue = wanted;
    },
    badge: function (el, node) {
      var p = node.p, bubble = el.__bubble;
      el.className = "mesop-badge-host" + (p.overlap ? " mesop-badge-overlap" : "");
      bubble.className = "mesop-badge mesop-badge-" + p.size + " mesop-color-" + p.color + " " +
        p.position.split(" ").map(function (word) { return "mesop-badge-" + word; }).join(" ") +
        (p.disabled ? " mesop-disabled" : "");
      setText(bubble, p.content || "");
      bubble.hidden = !!p.hidden;
      if (p.description) bubble.setAttribute("aria-label", p.description);
      else bubble.removeAttribute("aria-label");
    },
    video: function (el, node) { setSource(el, node.p.src); },
    audio: function (el, node) {
      el.autoplay = !!node.p.autoplay;
      setSource(el, node.p.src);
    },
    embed: function (el, node) { setSource(el, node.p.src); },
  });

  // ---- end examples ----------------------------------------------------------------

  // ---- widgets: sidenav, button toggle, autocomplete, date pickers, box pointer ------

  // Where a click happened, as Mesop's ClickEvent reports it; is_target: was the box
  // itself clicked, not something in it?
  function pointerAt(ev, el) {
    return { is_target: ev.target === el, client_x: ev.clientX, client_y: ev.clientY,
             page_x: ev.pageX, page_y: ev.pageY, offset_x: ev.offsetX, offset_y: ev.offsetY };
  }

  // A line of help under a field (hint_label), named as the field's description.
  function addHint(wrap, id) {
    var hint = classed("div", "mesop-hint");
    hint.id = id + "-hint";
    wrap.appendChild(hint);
    wrap.__hint = hint;
  }

  function setHint(wrap, control, text) {
    setText(wrap.__hint, text || "");
    wrap.__hint.hidden = !text;
    if (text) control.setAttribute("aria-describedby", wrap.__hint.id);
    else control.removeAttribute("aria-describedby");
  }

  var ISO_DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

  // Four-digit years only, as the server accepts.
  var FIRST_DAY = "1000-01-01", LAST_DAY = "9999-12-31";

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

  // Escape closes every open sidenav that may be closed, unless something else (an open
  // suggestion list) used the key first.
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape" || ev.defaultPrevented) return;
    Array.prototype.forEach.call(root.querySelectorAll(".mesop-sidenav"), function (el) {
      var p = el.__mesopNode.p;
      if (!el.__open || p.disable_close) return;
      el.__open = false;
      el.classList.add("mesop-closed");
      fire(el.__mesopNode, p.on_opened_changed, "sidenav", false);
    });
  });

  // The pressed values of a button toggle after a click on `value`: a single-choice
  // toggle keeps a pressed button pressed, as Mesop's does.
  function toggledValues(pressed, value, multiple) {
    if (!multiple) return [value];
    var at = pressed.indexOf(value);
    return at >= 0 ? pressed.slice(0, at).concat(pressed.slice(at + 1)) : pressed.concat([value]);
  }

  function drawToggle(el) {
    var p = el.__mesopNode.p;
    Array.prototype.forEach.call(el.children, function (button) {
      var on = el.__pressed.indexOf(button.__value) >= 0;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.disabled = !!p.disabled;
      button.__check.hidden = !on || !!p.hide_selection_indicator;
    });
  }

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

  Object.assign(builders, {
    sidenav: function () { return classed("aside", "mesop-sidenav"); },
    button_toggle: function () {
      var el = classed("div", "mesop-button-toggle");
      el.setAttribute("role", "group");
      el.__mesopChildren = false;
      return el;
    },
    autocomplete: function (node, id) {
      var wrap = labelled("input", id, "input");
      wrap.classList.add("mesop-autocomplete");
      var control = wrap.__control;
      var list = classed("div", "mesop-autocomplete-list");
      list.id = id + "-list";
      list.setAttribute("role", "listbox");
      list.hidden = true;
      wrap.appendChild(list);
      wrap.__list = list;
      addHint(wrap, id);
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
      var wrap = labelled("input", id, "input");
      var control = asDateInput(wrap.__control);
      addHint(wrap, id);
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
      addHint(wrap, id);
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
  });

  Object.assign(updaters, {
    sidenav: function (el, node) {
      var p = node.p, opened = !!p.opened;
      // The app's `opened` has the last word when it changes; in between, Escape may
      // have closed the panel here.
      if (el.__serverOpened !== opened) { el.__serverOpened = opened; el.__open = opened; }
      el.className = "mesop-sidenav mesop-sidenav-" + (p.position === "end" ? "end" : "start") +
        (el.__open ? "" : " mesop-closed");
    },
    button_toggle: function (el, node, id) {
      var p = node.p;
      var layout = JSON.stringify(p.buttons);
      if (el.__layout !== layout) {
        el.__layout = layout;
        el.textContent = "";
        p.buttons.forEach(function (b, index) {
          var button = classed("button", "mesop-button-toggle-button");
          button.type = "button";
          button.id = id + "-" + index;
          var check = decorativeIcon("check");
          var label = document.createElement("span");
          label.textContent = b.label;
          button.appendChild(check);
          button.appendChild(label);
          button.__check = check;
          button.__value = b.value;
          button.addEventListener("click", function () {
            var p = el.__mesopNode.p;
            if (!p.multiple && el.__pressed.indexOf(b.value) >= 0) return;
            el.__pressed = toggledValues(el.__pressed, b.value, p.multiple);
            drawToggle(el);
            fire(el.__mesopNode, p.on_change, "button_toggle", el.__pressed.slice());
          });
          el.appendChild(button);
        });
      }
      var pressed = JSON.stringify(p.value || []);
      if (el.__serverValue !== pressed) { el.__serverValue = pressed; el.__pressed = (p.value || []).slice(); }
      drawToggle(el);
    },
    autocomplete: function (wrap, node, id) {
      // Label, placeholder, state and the value (kept while typing) as any text field's.
      updateTextField(wrap, node);
      setHint(wrap, wrap.__control, node.p.hint);
      var groups = JSON.stringify(node.p.groups);
      if (wrap.__groups !== groups) {
        wrap.__groups = groups;
        fillSuggestions(wrap, node.p.groups, id);
        showSuggestions(wrap, !wrap.__list.hidden);
      }
    },
    date_picker: function (wrap, node) {
      var p = node.p, control = wrap.__control;
      setText(wrap.__label, p.label || "");
      wrap.__label.hidden = !p.label;
      if (!p.label) control.setAttribute("aria-label", p.placeholder || "Date");
      control.disabled = !!p.disabled;
      control.readOnly = !!p.readonly;
      control.required = !!p.required;
      setHint(wrap, control, p.hint);
      setServerValue(control, p.value || "");
    },
    date_range_picker: function (wrap, node) {
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
        setHint(wrap, control, p.hint);
      });
      wrap.__end.min = wrap.__start.value || FIRST_DAY;
      wrap.__start.max = wrap.__end.value || LAST_DAY;
    },
  });

  // ---- end widgets ------------------------------------------------------------------

  // ---- web components (@me.web_component, me.insert_web_component): begin -----------
  // A web component is a custom element defined by one of the app's JavaScript modules,
  // served from /__mesop__/web-components/ and loaded with import() (the CSP's
  // script-src 'self' allows it). Its node names the element, its properties (set as
  // JavaScript properties, never as attributes) and its events: each event's property is
  // set to a handler id, and the element reports with Mesop's contract,
  // `this.dispatchEvent(new MesopEvent(this.someEvent, value))`, which the global
  // MesopEvent below makes work unchanged. The value goes to the server as a "web" event;
  // the server runs it only if the session's page shows that handler.
  var WEB_MODULES_PREFIX = "/__mesop__/web-components/";
  var WEB_EVENT = "mesop-event";
  var WEB_ELEMENT_NAME = /^[a-z][a-z0-9._]*-[a-z0-9._-]*$/;
  var webModules = {};

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
    webModules[url] = import(url).catch(function (err) {
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

  builders.web_component = function () {
    // The wrapper takes no room (display: contents); the custom element inside it is
    // replaced when the node names another element.
    var wrap = document.createElement("div");
    wrap.className = "mesop-web-component";
    wrap.addEventListener(WEB_EVENT, function (ev) { sendWebEvent(wrap, ev); });
    return wrap;
  };

  updaters.web_component = function (wrap, node) {
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
  };
  // ---- web components: end ----------------------------------------------------------

  // ---- status line (errors, lost connection) -----------------------------------------

  function showStatus(text, isError, details) {
    statusBox.hidden = !text;
    statusBox.className = isError ? "mesop-status mesop-error" : "mesop-status";
    statusBox.textContent = text;
    if (details) {
      var pre = document.createElement("pre");
      pre.textContent = details;
      statusBox.appendChild(pre);
    }
  }

  function navigate(path) {
    history.pushState({}, "", path);
    enqueue({ path: path, event: null });
  }

  // ---- theme/viewport: begin --------------------------------------------------------
  // The theme is the session's (me.set_theme_mode); each render says which. The browser's
  // colour-scheme preference and viewport go with every request (me.theme_brightness(),
  // me.viewport_size()), and a change of either redraws the page, as in Mesop.

  var darkQuery = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  var theme = { mode: "light", density: 0 };
  var REFRESH_DELAY_MS = 200;
  var refreshTimer = null;

  function prefersDark() { return !!(darkQuery && darkQuery.matches); }

  function addBrowserHints(body, item) {
    body.scheme = prefersDark() ? "dark" : "light";
    body.viewport = { width: window.innerWidth, height: window.innerHeight };
    if (item.refresh) body.refresh = true;
  }

  function applyTheme(given) {
    if (given && typeof given === "object") {
      theme = { mode: given.mode, density: typeof given.density === "number" ? given.density : 0 };
    }
    var dark = theme.mode === "dark" || (theme.mode === "system" && prefersDark());
    document.documentElement.classList.toggle("mesop-theme-dark", dark);
    document.documentElement.style.setProperty("--mesop-density", String(theme.density));
  }

  // One redraw for a burst of resizes; one waiting in the queue is enough.
  function requestRefresh() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(function () {
      if (queue.some(function (item) { return item.refresh; })) return;
      enqueue({ path: location.pathname, event: null, refresh: true });
    }, REFRESH_DELAY_MS);
  }

  // The first element (in page order) of the component with this key, or null.
  function elementWithKey(key) {
    if (typeof key !== "string" || key === "") return null;
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
    for (var el = walker.nextNode(); el; el = walker.nextNode()) {
      if (el.__mesopNode && el.__mesopNode.k === key) return el;
    }
    return null;
  }

  function focusElement(el) {
    var target = el.__control || el;
    target.focus();
    if (document.activeElement === target) return;
    // A box or wrapper: its first focusable element.
    var inner = el.querySelector("input, textarea, select, button, a[href], [tabindex]");
    if (inner) inner.focus();
  }

  // me.navigate to another site, or with open_in_new_tab. Only http(s) addresses are
  // followed (the server refuses others too), so no javascript: URL runs in this page.
  function openUrl(command) {
    var url;
    try { url = new URL(String(command.url), location.href); } catch (e) { return; }
    if (url.protocol !== "http:" && url.protocol !== "https:") return;
    if (command.target === "_blank") window.open(url.href, "_blank", "noopener");
    else location.assign(url.href);
  }

  // Commands of me.scroll_into_view / me.focus_component, run once the render is in the
  // page. A key no component has is ignored, as is a command this client does not know.
  function runCommands(commands) {
    if (!Array.isArray(commands)) return;
    commands.forEach(function (command) {
      if (command && command.type === "open_url") return openUrl(command);
      var el = command && elementWithKey(command.key);
      if (!el) return;
      if (command.type === "scroll_into_view") {
        var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
        el.scrollIntoView({ behavior: reduce ? "auto" : "smooth", block: "start" });
      } else if (command.type === "focus_component") {
        focusElement(el);
      }
    });
  }

  if (darkQuery && darkQuery.addEventListener) {
    darkQuery.addEventListener("change", function () {
      applyTheme(null);
      requestRefresh();
    });
  }
  window.addEventListener("resize", requestRefresh);
  // Paint the session's theme before the first render arrives (no light flash on reload).
  applyTheme(session.state && session.state["#theme"]);
  // ---- theme/viewport: end ----------------------------------------------------------

  // ---- query params: begin ---------------------------------------------------------
  // me.query_params is the URL's query: every request carries it, as the [key, value]
  // pairs URLSearchParams decodes, so a handler sees the URL as it is now (edited by hand,
  // or changed by an earlier render). A render whose handler changed it (or that follows
  // me.navigate) carries the whole new query, put in the URL keeping its path, without a
  // reload or a new history entry, as in Mesop.

  function currentQuery() {
    var pairs = [];
    new URLSearchParams(location.search).forEach(function (value, key) { pairs.push([key, value]); });
    return pairs;
  }

  function applyQuery(pairs) {
    if (!Array.isArray(pairs)) return;
    var search = new URLSearchParams();
    pairs.forEach(function (pair) { search.append(String(pair[0]), String(pair[1])); });
    var text = search.toString();
    var url = location.pathname + (text ? "?" + text : "") + location.hash;
    if (url !== location.pathname + location.search + location.hash) {
      history.replaceState(history.state, "", url);
    }
  }
  // ---- query params: end -----------------------------------------------------------

  window.addEventListener("popstate", function () { enqueue({ path: location.pathname, event: null }); });
  claimStoredSession().then(function () { enqueue({ path: location.pathname, event: null }); });
})();
