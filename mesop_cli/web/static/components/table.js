// The table, as runtime/components/table.py: rows of cells, a click on a cell reported
// with its row and column.

import { fire } from "../core/transport.js";

export const build = {
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
};

export const update = {
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
