// Enterprise application pages: character counts, "添加一行" for the lists, the live eligibility
// checklist, upload checks before sending and confirmations. Every check here is repeated on the server.
(function () {
  "use strict";

  function debounce(fn, wait) {
    var timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, wait);
    };
  }

  // Character counts of the 申请报告 sections (line breaks count as one character, as on the server).
  document.querySelectorAll("textarea[data-char-count]").forEach(function (area) {
    var counter = document.getElementById("count-" + area.id);
    var max = parseInt(area.getAttribute("data-char-count"), 10);
    if (!counter) { return; }
    function update() {
      var n = area.value.replace(/\r\n/g, "\n").length;
      counter.textContent = "已输入 " + n + " 字 / 最多 " + max + " 字";
      counter.classList.toggle("char-count-over", n > max);
      counter.classList.toggle("char-count-near", n <= max && n > max * 0.9);
    }
    area.addEventListener("input", update);
    update();
  });

  // 万元 fields: a number that large is usually 元 typed as 万元 (the server asks to confirm it too).
  var LARGE_WAN = 10000000;
  document.querySelectorAll("input[data-unit='万元']").forEach(function (input) {
    var warning = document.querySelector(".magnitude-warning[data-for='" + input.id + "']");
    if (!warning) { return; }
    function check() {
      var value = parseFloat(input.value.replace(/[,，\s]/g, ""));
      warning.textContent = value > LARGE_WAN
        ? "金额超过 1,000 亿元：单位是万元，请核对是否把「元」填成了「万元」（3.2 亿元应填 32000）。"
        : "";
    }
    input.addEventListener("input", check);
    check();
  });

  // "添加一行": clone the formset's empty form, numbering it like Django does.
  document.querySelectorAll("[data-add-row]").forEach(function (button) {
    var prefix = button.getAttribute("data-add-row");
    var template = document.getElementById(prefix + "-empty");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    var body = document.querySelector("table[data-formset='" + prefix + "'] tbody");
    if (!template || !total || !body) { return; }
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (max && index >= parseInt(max.value, 10)) { return; }
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("tbody");
      holder.innerHTML = html.trim();
      var row = holder.firstElementChild;
      var number = row.querySelector(".row-number");
      if (number) { number.textContent = String(index + 1); }
      body.appendChild(row);
      total.value = String(index + 1);
      var first = row.querySelector("input:not([type=hidden]), select");
      if (first) { first.focus(); }
    });
  });

  // Live checklist: post the unsaved form to the checklist endpoint and show the returned fragment.
  var form = document.getElementById("application-form");
  var container = document.getElementById("checklist-container");
  var status = document.getElementById("checklist-status");
  if (form && container && form.getAttribute("data-checklist-url")) {
    var url = form.getAttribute("data-checklist-url");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var pending = null;
    var refresh = debounce(function () {
      if (pending) { pending.abort(); }
      pending = new AbortController();
      if (status) { status.textContent = "正在检查…"; }
      fetch(url, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "", "X-Requested-With": "fetch" },
        signal: pending.signal
      }).then(function (response) {
        if (!response.ok || response.redirected) { throw new Error("unavailable"); }
        return response.text();
      }).then(function (html) {
        container.innerHTML = html;
        if (status) { status.textContent = "按本页填写内容（尚未保存）"; }
      }).catch(function (error) {
        if (error.name === "AbortError") { return; }
        if (status) { status.textContent = "实时检查暂不可用（可能登录已过期），保存草稿后可查看"; }
      });
    }, 600);
    form.addEventListener("input", refresh);
    form.addEventListener("change", refresh);
    document.querySelectorAll("[data-add-row]").forEach(function (b) { b.addEventListener("click", refresh); });
  }

  // Warn before leaving a page with unsaved typing.
  document.querySelectorAll("form.track-changes").forEach(function (tracked) {
    var dirty = false;
    tracked.addEventListener("input", function () { dirty = true; });
    tracked.addEventListener("change", function () { dirty = true; });
    tracked.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });
  });

  // Uploads: refuse too many or too large files before sending them (the server checks again).
  document.querySelectorAll("form.upload-form").forEach(function (upload) {
    var input = upload.querySelector("input[type=file]");
    var problem = upload.querySelector(".upload-problem");
    var maxFiles = parseInt(upload.getAttribute("data-max-files"), 10);
    var maxBytes = parseInt(upload.getAttribute("data-max-bytes"), 10);
    upload.addEventListener("submit", function (event) {
      var message = "";
      var files = input ? Array.prototype.slice.call(input.files) : [];
      if (files.length > maxFiles) {
        message = "一次最多上传 " + maxFiles + " 个文件，请分批上传。";
      } else {
        files.forEach(function (file) {
          if (!message && file.size === 0) { message = "「" + file.name + "」是空文件。"; }
          if (!message && file.size > maxBytes) {
            message = "「" + file.name + "」超过 " + Math.round(maxBytes / 1048576) + " MB 的上限。";
          }
        });
      }
      if (message) {
        event.preventDefault();
        if (problem) { problem.textContent = message; }
        return;
      }
      var button = upload.querySelector("button[type=submit]");
      if (button) { button.disabled = true; button.textContent = "正在上传…"; }
    });
  });

  // Confirmations (删除, 撤回) and one click only for 提交申报.
  document.querySelectorAll("form.confirm-form").forEach(function (confirmed) {
    confirmed.addEventListener("submit", function (event) {
      if (!window.confirm(confirmed.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  document.querySelectorAll("form.submit-form").forEach(function (submitForm) {
    submitForm.addEventListener("submit", function () {
      var button = submitForm.querySelector("button[type=submit]");
      setTimeout(function () { if (button) { button.disabled = true; } }, 0);
    });
  });
})();
