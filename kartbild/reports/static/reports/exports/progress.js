// Export progress without reloading: asks for the jobs' status every two seconds and moves the
// progress bars; when a job finishes, the page is loaded again to show its download link.
// Without JavaScript the page refreshes itself instead (a <noscript> meta refresh).
(function () {
  "use strict";
  var table = document.getElementById("export-jobs");
  if (!table || !window.fetch) { return; }
  var url = table.getAttribute("data-status-url");
  function tick() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        var unfinished = 0;
        var changed = false;
        data.jobs.forEach(function (job) {
          var row = table.querySelector('tr[data-job="' + job.id + '"]');
          if (!row) { changed = true; return; }
          if (row.getAttribute("data-status") !== job.status &&
              (job.status === "done" || job.status === "failed")) { changed = true; }
          var bar = row.querySelector("progress");
          if (bar) { bar.value = job.progress; bar.textContent = job.progress + " %"; }
          var label = row.querySelector(".status");
          if (label) { label.textContent = job.status_label; }
          if (job.status === "queued" || job.status === "running") { unfinished += 1; }
        });
        if (changed) { window.location.reload(); return; }
        if (unfinished) { window.setTimeout(tick, 2000); }
      })
      .catch(function () { window.setTimeout(tick, 5000); });
  }
  window.setTimeout(tick, 1000);
})();
