// JSON Patch (RFC 6902), the operations the server emits. Pure: no imports, no page
// (tests/test_client_script.py runs it on its own against Python's jsonpatch).

export function applyPatch(doc, operations) {
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
