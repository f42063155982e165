// 事業一覧: filter by 事業区分, status and 所管課, and sort by any column. Local, dependency-free, and
// optional: without it the full table is still there.
(function () {
  "use strict";

  function compare(a, b) {
    var x = Number(a), y = Number(b);
    if (a !== "" && b !== "" && !isNaN(x) && !isNaN(y)) return x - y;
    return a.localeCompare(b, "ja");
  }

  function init() {
    var table = document.getElementById("project-table");
    var form = document.getElementById("project-filters");
    var count = document.getElementById("project-count");
    if (!table || !form || !count) return;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    form.hidden = false;

    function apply() {
      var f = form.elements;
      var shown = 0;
      rows.forEach(function (row) {
        var d = row.dataset;
        var ok =
          (!f.category.value || d.category === f.category.value) &&
          (!f.h1.value || d.h1 === f.h1.value) &&
          (!f.fy.value || d.fy === f.fy.value) &&
          (!f.department.value || d.departments.split(";").indexOf(f.department.value) >= 0) &&
          (!f.review.checked || d.review === "true");
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      count.textContent = shown + "件を表示しています（全" + rows.length + "件）。";
    }

    form.addEventListener("change", apply);
    form.addEventListener("reset", function () {
      window.setTimeout(apply, 0);
    });

    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    headers.forEach(function (th, index) {
      if (!th.hasAttribute("data-sortable")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) {
          if (other.hasAttribute("data-sortable")) other.setAttribute("aria-sort", "none");
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        rows.sort(function (a, b) {
          var key = function (row) {
            var cell = row.cells[index];
            return cell.getAttribute("data-sort") || cell.textContent.trim();
          };
          return (ascending ? 1 : -1) * compare(key(a), key(b));
        });
        rows.forEach(function (row) {
          body.appendChild(row);
        });
      });
    });
    apply();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
