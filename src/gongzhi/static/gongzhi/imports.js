// The import run page: <div data-import-progress="STATUS_URL"> follows the run's status JSON
// {status, rows_total, rows_done, finished} every second and reloads the page when it is done,
// so the counts or the row report come from the server.
(function () {
  "use strict";
  var box = document.querySelector("[data-import-progress]");
  if (!box) { return; }
  var done = box.querySelector("[data-progress-done]");
  var total = box.querySelector("[data-progress-total]");
  var bar = box.querySelector("[data-progress-bar]");
  function poll() {
    fetch(box.dataset.importProgress, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (d) {
        if (d.finished) { window.location.reload(); return; }
        done.textContent = d.rows_done;
        total.textContent = d.rows_total;
        var percent = d.rows_total ? Math.floor(100 * d.rows_done / d.rows_total) : 0;
        bar.style.width = percent + "%";
        bar.parentElement.setAttribute("aria-valuenow", percent);
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
