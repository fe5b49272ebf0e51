// A participant's page reloads when the facilitator moves on or the statements change, unless
// the participant is writing something: the server says what "version" of the room it is. The
// page says how often to ask: often while it waits, seldom while there is something to answer.
(function () {
  "use strict";
  var room = document.getElementById("room");
  if (!room) { return; }
  var url = room.getAttribute("data-state");
  var version = room.getAttribute("data-version");
  var interval = parseInt(room.getAttribute("data-interval"), 10) || 5000;
  function writing() {
    var active = document.activeElement;
    if (active && active.matches("input[type=text], textarea") && active.value) { return true; }
    return Array.prototype.some.call(room.querySelectorAll("input[type=text], textarea"), function (field) {
      return field.value !== field.defaultValue;
    });
  }
  setInterval(function () {
    if (document.hidden || writing()) { return; }
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.version && state.version !== version) { window.location.reload(); }
      })
      .catch(function () { /* try again at the next tick */ });
  }, interval);
})();
