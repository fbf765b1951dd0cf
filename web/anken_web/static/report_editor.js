// The weekly report editor: a live counter under each note field, so a line over the limit is
// seen while typing, not after the server refuses it. Wired by data attributes (strict CSP):
// <textarea data-line-limit="1000" data-lines-limit="50" data-counter="id"> and
// <p id="id" data-template="… %(chars)s / %(max)s … %(lines)s / %(max_lines)s …" data-max="1,000" data-max-lines="50">.
(function () {
  "use strict";

  function lineStats(value) {
    const lines = value.split("\n").map(function (line) { return line.trim(); }).filter(Boolean);
    // Characters as the server counts them (code points, not UTF-16 units).
    const longest = lines.reduce(function (most, line) { return Math.max(most, Array.from(line).length); }, 0);
    return { longest: longest, lines: lines.length };
  }

  function update(field) {
    const counter = document.getElementById(field.dataset.counter);
    if (!counter || !counter.dataset.template) return;
    const stats = lineStats(field.value);
    const over = stats.longest > Number(field.dataset.lineLimit) || stats.lines > Number(field.dataset.linesLimit);
    counter.textContent = counter.dataset.template
      .replace("%(chars)s", stats.longest.toLocaleString())
      .replace("%(max)s", counter.dataset.max)
      .replace("%(lines)s", String(stats.lines))
      .replace("%(max_lines)s", counter.dataset.maxLines);
    counter.classList.toggle("error", over);
    counter.classList.toggle("muted", !over);
    field.setAttribute("aria-invalid", over ? "true" : (document.getElementById("error-" + field.name) ? "true" : "false"));
  }

  document.addEventListener("input", function (event) {
    const field = event.target;
    if (field.matches && field.matches("textarea[data-line-limit]")) update(field);
  });

  function start() {
    document.querySelectorAll("textarea[data-line-limit]").forEach(update);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
