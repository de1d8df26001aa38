// The page the server sent (web/templates/page.html): the element the app renders into,
// the status line, and the boot data of web/pages.py (where events go, which backend
// keeps the session, whether it outlives a reload, the upload limit).

export const root = document.getElementById("mesop-root");
export const statusBox = document.getElementById("mesop-status");
export const boot = JSON.parse(root.getAttribute("data-boot"));
