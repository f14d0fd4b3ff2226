// Every page: after a failed submit the focus moves to what says what went wrong (the error summary, else the
// form-wide or message alert); a link of the error summary puts the focus in its field.
(function () {
  "use strict";

  var report = document.querySelector(".error-summary") || document.querySelector("[data-error-focus]");
  if (report) { report.focus(); }

  document.querySelectorAll(".error-summary a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) { return; }
      event.preventDefault();
      field.focus();
      if (window.history && window.history.replaceState) { window.history.replaceState(null, "", link.getAttribute("href")); }
    });
  });
})();
