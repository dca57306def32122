/* Upload several agreements at once, by drag and drop or the file picker, with progress.
   Progressive enhancement: without this script the form posts all files and the server
   answers with a page of per-file results. With it, dropped files and several picked files
   are sent one by one (each with its own progress bar and result; the server answers
   JSON); a single picked file keeps the plain post, which opens its review page. */
(function () {
  "use strict";

  var STATUS_TEXT = {
    stored: "Stored and checked",
    duplicate: "Already uploaded",
    rejected: "Rejected"
  };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function summary(findings) {
    if (!findings) { return ""; }
    var parts = [];
    ["fail", "needs_review", "missing", "pass", "waived"].forEach(function (key) {
      if (findings[key]) { parts.push(findings[key] + " " + key.replace("_", " ")); }
    });
    return parts.length ? " (" + parts.join(", ") + ")" : "";
  }

  function showResult(item, result) {
    var status = item.querySelector("[data-status]");
    var progress = item.querySelector("progress");
    progress.value = 100;
    progress.max = 100;
    status.textContent = "";
    status.className = "result-" + result.status;
    var label = (STATUS_TEXT[result.status] || result.status) + summary(result.findings);
    status.appendChild(el("strong", "", label));
    if (result.message && result.status !== "stored") {
      status.appendChild(document.createTextNode(": " + result.message));
    }
    if (result.url) {
      status.appendChild(document.createTextNode(" "));
      var link = el("a", "", result.status === "stored" ? "Open the review" : "Open the earlier upload");
      link.href = result.url;
      status.appendChild(link);
    }
    item.dataset.result = result.status;
  }

  function showFailure(item, message) {
    showResult(item, { status: "rejected", message: message });
  }

  function sendOne(form, file, item) {
    return new Promise(function (resolve) {
      var data = new FormData(form);
      data.delete("file");
      data.append("file", file, file.name);
      var xhr = new XMLHttpRequest();
      var progress = item.querySelector("progress");
      var status = item.querySelector("[data-status]");
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) {
          progress.value = Math.round((100 * event.loaded) / event.total);
          status.textContent = "Uploading… " + progress.value + "%";
        }
      });
      xhr.upload.addEventListener("load", function () {
        progress.removeAttribute("value"); /* indeterminate while the server reads */
        status.textContent = "Reading and checking…";
      });
      xhr.addEventListener("load", function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
        if (body && body.ok && body.results && body.results.length) {
          showResult(item, body.results[0]);
        } else if (body && body.error) {
          showFailure(item, body.error);
        } else if (xhr.status === 413) {
          showFailure(item, "The file is larger than the upload limit.");
        } else if (xhr.status === 403) {
          showFailure(item, "Not allowed, or the form expired: reload the page and try again.");
        } else {
          showFailure(item, "The server answered " + xhr.status + ".");
        }
        resolve();
      });
      xhr.addEventListener("error", function () {
        showFailure(item, "The connection failed; nothing may have been stored. Try again.");
        resolve();
      });
      xhr.send(data);
    });
  }

  function uploadAll(form, files) {
    var list = form.querySelector("[data-upload-list]");
    var button = form.querySelector("button[type=submit]");
    list.textContent = "";
    var items = Array.prototype.map.call(files, function (file) {
      var item = el("div", "upload-item");
      item.appendChild(el("span", "upload-name", file.name));
      var cell = el("div");
      var progress = el("progress");
      progress.max = 100;
      progress.value = 0;
      progress.setAttribute("aria-label", file.name);
      cell.appendChild(progress);
      var status = el("div", "", "Waiting…");
      status.setAttribute("data-status", "");
      cell.appendChild(status);
      item.appendChild(cell);
      list.appendChild(item);
      return item;
    });
    button.disabled = true;
    var chain = Promise.resolve();
    Array.prototype.forEach.call(files, function (file, index) {
      chain = chain.then(function () { return sendOne(form, file, items[index]); });
    });
    chain.then(function () {
      button.disabled = false;
      var done = el("p", "upload-done");
      var stored = list.querySelectorAll("[data-result=stored]").length;
      done.appendChild(document.createTextNode(stored + " of " + files.length + " stored. "));
      var reload = el("a", "", "Refresh the list of agreements");
      reload.href = window.location.pathname + "#upload";
      reload.addEventListener("click", function () { window.location.reload(); });
      done.appendChild(reload);
      list.appendChild(done);
      form.reset();
    });
  }

  function enhance(form) {
    var input = form.querySelector("input[type=file]");
    var zone = form.querySelector("[data-drop-target]") || form;
    var hint = form.querySelector(".drop-hint");
    if (!input || !window.FormData || !window.XMLHttpRequest) { return; }
    if (hint) { hint.hidden = false; }
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("dragging");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      var files = event.dataTransfer && event.dataTransfer.files;
      if (files && files.length) { uploadAll(form, files); }
    });
    form.addEventListener("submit", function (event) {
      if (!input.files || !input.files.length) { return; }
      if (input.files.length === 1) {
        /* One file: the plain post, which opens its review page when it is stored. */
        var list = form.querySelector("[data-upload-list]");
        list.textContent = "";
        list.appendChild(el("p", "", "Uploading, reading and checking " + input.files[0].name + "…"));
        return;
      }
      event.preventDefault();
      uploadAll(form, input.files);
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-upload-zone]"), enhance);
})();
