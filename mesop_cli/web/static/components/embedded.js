// Media and other pages shown in the page, as runtime/components/embedded.py: `video`,
// `audio` and `embed`. The server let through only http(s) and relative sources.

import { setSource } from "../core/dom.js";

export const build = {
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
};

export const update = {
  video: function (el, node) { setSource(el, node.p.src); },
  audio: function (el, node) {
    el.autoplay = !!node.p.autoplay;
    setSource(el, node.p.src);
  },
  embed: function (el, node) { setSource(el, node.p.src); },
};
