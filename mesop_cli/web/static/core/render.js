// Rendering the server's tree: nodes of the shape {t, k, p, s, c} (runtime/components/
// node.py). Elements are updated in place when the node at the same position has the same
// type and key, so a field keeps its focus and caret while the user types.
//
// What an element of each type is comes from the component families (components/*.js),
// each registered once: `build[type](node, id)` makes the element, `update[type](el,
// node, id)` brings it to the node. Two families naming one type is a mistake caught here.

import { root } from "./boot.js";

const builders = { unknown: function () { return document.createElement("div"); } };
const updaters = {};
const owners = {};

export function register(name, family) {
  [[builders, family.build || {}], [updaters, family.update || {}]].forEach(function (pair) {
    Object.keys(pair[1]).forEach(function (type) {
      if (owners[type] !== undefined && owners[type] !== name) {
        throw new Error("components/" + name + ".js and components/" + owners[type] +
                        ".js both render the node type " + type);
      }
      owners[type] = name;
      pair[0][type] = pair[1][type];
    });
  });
}

export function renderTree(tree) {
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

// The first element (in page order) of the component with this key, or null.
export function elementWithKey(key) {
  if (typeof key !== "string" || key === "") return null;
  var walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
  for (var el = walker.nextNode(); el; el = walker.nextNode()) {
    if (el.__mesopNode && el.__mesopNode.k === key) return el;
  }
  return null;
}
