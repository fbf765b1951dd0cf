// A live character counter under a long text field, so a limit is seen while typing, not after the
// server refuses it. Wired by data attributes (strict CSP):
// <textarea data-char-limit="5000" data-counter="id"> and <small id="id" data-template="%(chars)s / %(max)s …" data-max="5,000">.
(function () {
  "use strict";

  function update(field) {
    const counter = document.getElementById(field.dataset.counter);
    if (!counter || !counter.dataset.template) return;
    // Characters as the server counts them: code points, without the whitespace it trims.
    const chars = Array.from(field.value.trim()).length;
    const over = chars > Number(field.dataset.charLimit);
    counter.textContent = counter.dataset.template
      .replace("%(chars)s", chars.toLocaleString())
      .replace("%(max)s", counter.dataset.max);
    counter.classList.toggle("error", over);
    counter.classList.toggle("muted", !over);
  }

  document.addEventListener("input", function (event) {
    const field = event.target;
    if (field.matches && field.matches("[data-char-limit][data-counter]")) update(field);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-char-limit][data-counter]").forEach(update);
  });
})();
