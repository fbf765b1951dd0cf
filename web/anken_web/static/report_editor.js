// The weekly report editor: a live counter under each note field, so a line over the limit is
// seen while typing, not after the server refuses it; and a local copy of what is typed until the
// server has it. Wired by data attributes (strict CSP):
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

  // <p data-local-draft="key" hidden> inside the form: what is typed is kept in sessionStorage until
  // an autosave confirms it (the answer carries [data-saved]), and restored if the page comes back
  // without it (a refused save, a reload, a lost connection).
  function keepLocalDraft(marker) {
    const form = marker.closest("form");
    if (!form || !window.sessionStorage) return;
    const key = "anken:" + marker.dataset.localDraft;
    const fields = Array.from(form.querySelectorAll("textarea[name]"));
    let sent = null;
    function snapshot() {
      const values = {};
      fields.forEach(function (field) { values[field.name] = field.value; });
      return JSON.stringify(values);
    }
    let stored = null;
    try { stored = JSON.parse(sessionStorage.getItem(key) || "null"); } catch (error) { stored = null; }
    if (stored && fields.some(function (f) { return typeof stored[f.name] === "string" && stored[f.name] !== f.value; })) {
      fields.forEach(function (f) { if (typeof stored[f.name] === "string") f.value = stored[f.name]; });
      marker.hidden = false;
      // Offer the restored text to the autosave at once.
      fields[0].dispatchEvent(new Event("input", { bubbles: true }));
    }
    form.addEventListener("input", function () { sessionStorage.setItem(key, snapshot()); });
    form.addEventListener("htmx:beforeRequest", function () { sent = snapshot(); });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      const target = event.detail && event.detail.target;
      if (!target || !form.contains(target) || !target.querySelector("[data-saved]")) return;
      // Only what the server now has is forgotten; text typed while the save was under way stays.
      if (sent === snapshot()) {
        sessionStorage.removeItem(key);
        marker.hidden = true;
      }
    });
  }

  function start() {
    document.querySelectorAll("textarea[data-line-limit]").forEach(update);
    document.querySelectorAll("[data-local-draft]").forEach(keepLocalDraft);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
