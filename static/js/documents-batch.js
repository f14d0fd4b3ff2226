// 生成证书: polls the batch's JSON status, updates the progress bar, reloads the page when the batch ends.
(function () {
  "use strict";
  var box = document.getElementById("batch-progress");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  function set(id, value) { var el = document.getElementById(id); if (el) { el.textContent = value; } }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (data) {
        set("batch-status-label", data.status_label);
        set("batch-done", data.done);
        set("batch-total", data.total);
        var bar = document.getElementById("batch-bar");
        if (bar) { bar.max = data.total || 1; bar.value = data.done; }
        if (data.finished) { window.location.reload(); } else { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1500);
})();
