// Counts the values picked in a question and says so in a live region. The form works without
// this script: the server checks the count and names the problem.
(function () {
  "use strict";
  // After a refused answer, start where the problem is described: a screen reader reads it,
  // and the next Tab leads on into the values. Without the script the page title says "Fel:".
  const error = document.querySelector('[role="alert"][tabindex="-1"]');
  if (error) {
    error.focus();
    // An address ending in #main (after the skip link) moves focus there once the page has
    // loaded; take it back to the error.
    window.addEventListener("load", () => error.focus());
  }
  const fieldset = document.querySelector("fieldset[data-picks]");
  const counter = document.getElementById("counter");
  if (!fieldset || !counter) return;
  const wanted = Number(fieldset.dataset.picks);
  const boxes = Array.from(fieldset.querySelectorAll('input[type="checkbox"]'));
  function update() {
    const count = boxes.filter((box) => box.checked).length;
    const template = count > wanted ? counter.dataset.templateOver : counter.dataset.templateCount;
    counter.textContent = template
      .replace("__COUNT__", String(count))
      .replace("__EXTRA__", String(count - wanted));
    counter.classList.toggle("over", count > wanted);
    counter.classList.toggle("done", count === wanted);
  }
  boxes.forEach((box) => box.addEventListener("change", update));
  update();
})();
