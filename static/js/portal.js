// Every page: after a failed submit the focus moves to what says what went wrong (the error summary, else the
// form-wide or message alert); a link of the error summary puts the focus in its field.
(function () {
  "use strict";

  var report = document.querySelector(".error-summary") || document.querySelector("[data-error-focus]");
  if (report) {
    report.focus();
    // A field's autofocus, applied once the page has rendered, must not take the focus back from the errors.
    window.addEventListener("load", function () {
      if (document.activeElement && document.activeElement.hasAttribute("autofocus")) { report.focus(); }
    });
  }

  document.querySelectorAll(".error-summary a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) { return; }
      event.preventDefault();
      field.focus();
      if (window.history && window.history.replaceState) { window.history.replaceState(null, "", link.getAttribute("href")); }
    });
  });

  // A control in a table that scrolls sideways is brought fully into view when it takes the focus (Chromium leaves
  // one that shows a few pixels where it is).
  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target.closest && target.closest(".table-responsive, main table") && target.scrollIntoView) {
      target.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
  });

  // At phone width a wide table scrolls inside itself (portal.css): it then takes the focus, so the keyboard can scroll it.
  function markScrollingTables() {
    document.querySelectorAll("main table").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth + 1) {
        table.setAttribute("tabindex", "0");
      } else if (table.getAttribute("tabindex") === "0") {
        table.removeAttribute("tabindex");
      }
    });
  }
  markScrollingTables();
  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(markScrollingTables, 200);
  });
  // Work lists: 打印本页列表 prints the page (print.css hides the controls); 全选本页 ticks every row of the page.
  document.querySelectorAll("[data-print-page]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("[data-select-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.querySelectorAll("input[name='pk'][form='" + box.getAttribute("data-select-all") + "']").forEach(function (row) {
        if (!row.disabled) { row.checked = box.checked; }
      });
    });
  });
})();
