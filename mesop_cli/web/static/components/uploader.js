// File uploads, as runtime/components/uploader.py: `uploader` (a button with a text
// label) and `content_uploader` (its children are the button's content).
//
// The chosen files travel as an ordinary "upload" event, each file's bytes in base64,
// so they get every check an event gets. Files over the server's limit are refused here
// with a message, before anything is read; the server checks the limit again.

import { boot } from "../core/boot.js";
import { setText } from "../core/dom.js";
import { showStatus } from "../core/status.js";
import { fire } from "../core/transport.js";

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

export const build = {
  uploader: function (node, id) {
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
  },
};

export const update = {
  uploader: function (wrap, node) {
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
  },
};
