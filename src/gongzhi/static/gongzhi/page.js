// Behaviours every page may use, switched on by data attributes, so that no template needs an
// inline script or an on…= handler (the Content-Security-Policy allows scripts from files only).
(function () {
  "use strict";

  // htmx requests carry the CSRF token of the page (<meta name="csrf-token">).
  var csrf = document.querySelector('meta[name="csrf-token"]');
  document.body.addEventListener("htmx:configRequest", function (e) {
    if (csrf) { e.detail.headers["X-CSRFToken"] = csrf.content; }
  });

  // <button data-confirm="Sure?">: asks before the form is sent.
  document.addEventListener("click", function (e) {
    var asking = e.target.closest("[data-confirm]");
    if (asking && !window.confirm(asking.dataset.confirm)) { e.preventDefault(); }
    if (e.target.closest("[data-print]")) { window.print(); }
  });

  // <select data-autosubmit>: a filter that applies itself when changed.
  document.addEventListener("change", function (e) {
    if (e.target.matches("[data-autosubmit]") && e.target.form) { e.target.form.submit(); }
  });

  // <input data-code-from-hash>: a QR code's link carries the code in the fragment (#code=…),
  // which no server ever sees; fill the field from it and drop it from the address bar.
  document.querySelectorAll("[data-code-from-hash]").forEach(function (field) {
    var m = /code=(\d{1,8})/.exec(window.location.hash || "");
    if (m) { field.value = m[1]; history.replaceState(null, "", window.location.pathname); }
  });

  // <span data-poll-count="URL">: a wall screen's count, refreshed every few seconds from
  // URL's JSON {"count": n}; the page's meta refresh stays as the fallback.
  document.querySelectorAll("[data-poll-count]").forEach(function (el) {
    setInterval(function () {
      fetch(el.dataset.pollCount, {credentials: "same-origin"}).then(function (r) { return r.json(); })
        .then(function (d) { el.textContent = d.count; }).catch(function () {});
    }, 3000);
  });
})();
