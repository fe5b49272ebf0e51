// Keeps a live region up to date: every element with data-poll is replaced by the HTML fragment
// at that address every data-interval milliseconds. Without JavaScript the page refreshes itself
// (a <noscript> meta refresh), more slowly. A fragment is swapped only when it changed, and not
// while the user is typing in a field inside it, so a focus or a half-written text is never lost.
(function () {
  "use strict";
  document.querySelectorAll("[data-poll]").forEach(function (region) {
    var url = region.getAttribute("data-poll");
    var interval = parseInt(region.getAttribute("data-interval"), 10) || 2000;
    var last = region.innerHTML;
    var busy = false;
    function tick() {
      if (busy || document.hidden) { return; }
      if (region.contains(document.activeElement) && document.activeElement.matches("input, textarea, select")) { return; }
      busy = true;
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html !== null && html !== last) {
            last = html;
            region.innerHTML = html;
          }
        })
        .catch(function () { /* offline for a moment: try again at the next tick */ })
        .finally(function () { busy = false; });
    }
    setInterval(tick, interval);
  });
})();
