// The running count: the counts endpoint is polled every two seconds (counts only, no names).
(function () {
  var screen = document.getElementById("vote-screen");
  function show(field, value) {
    var el = screen.querySelector('[data-field="' + field + '"]');
    if (el) { el.textContent = value; }
  }
  function yesNo(field, value) {
    var el = screen.querySelector('[data-field="' + field + '"]');
    if (el) { el.textContent = value ? el.dataset.yes : el.dataset.no; }
  }
  function update(data) {
    var c = data.current;
    if (!c) { return; }
    screen.querySelector('[data-testid="screen-title"]').textContent = c.title;
    screen.querySelector('[data-testid="screen-for"]').textContent = c["for"];
    screen.querySelector('[data-testid="screen-against"]').textContent = c.against;
    screen.querySelector('[data-testid="screen-abstain"]').textContent = c.abstain;
    show("counted", c.counted); show("eligible", c.eligible); show("quorum_needed", c.quorum_needed);
    yesNo("quorum_met", c.quorum_met); yesNo("passed", c.passed);
    var status = screen.querySelector('[data-field="status"]');
    status.textContent = c.status === "voting" ? status.dataset.voting : (c.status === "voted" ? status.dataset.voted : "");
  }
  function poll() {
    fetch(screen.dataset.countsUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { update(data); } })
      .catch(function () {})
      .finally(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 2000);
})();
