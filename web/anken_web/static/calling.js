// The calling screen: number keys log outcomes, safe under fast hands (a key counts only once the
// company has been on screen for the minimum dwell, and a held key's repeats are ignored); Ctrl+Z
// takes back the last call for a few seconds; the call's duration is measured; the script of the
// pattern Anken assigned is shown (or, where the director allows it, the member's own choice).
(function () {
  "use strict";

  const panel = document.getElementById("call-panel");
  const minDwell = Number((panel && panel.dataset.minDwellMs) || 300);
  let undoTimer = null;

  function card() { return document.querySelector("#call-panel [data-shown-at]"); }

  // A company appears: note when, mark it ready once the dwell has passed, show its script,
  // reopen a refused appointment form, and offer the undo for its time.
  function companyShown() {
    const shown = card();
    if (shown) {
      const at = Date.now();
      shown.dataset.shownAt = at;
      window.setTimeout(function () { if (shown.dataset.shownAt === String(at)) shown.dataset.ready = "1"; }, minDwell);
      document.querySelectorAll("[data-script-version]").forEach(function (el) {
        if (el !== shown) el.hidden = el.dataset.scriptVersion !== shown.dataset.scriptVersion;
      });
    }
    const dialog = document.querySelector("#call-panel dialog[data-reopen]");
    if (dialog && typeof dialog.showModal === "function" && !dialog.open) dialog.showModal();
    const logged = document.querySelector("#call-panel [data-undo-seconds]");
    if (undoTimer) window.clearTimeout(undoTimer);
    if (logged) {
      undoTimer = window.setTimeout(function () {
        const form = document.getElementById("undo-form");
        if (form) form.remove();
      }, Number(logged.dataset.undoSeconds) * 1000);
    }
  }

  function onScreenLongEnough() {
    const shown = card();
    return !shown || Date.now() - Number(shown.dataset.shownAt) >= minDwell;
  }

  function press(button) {
    // Until HTMX has wired the freshly swapped panel, a click would post the form as a full page;
    // process it first (a no-op when already done), and ignore keys before HTMX has loaded.
    if (!window.htmx) return;
    window.htmx.process(document.getElementById("call-panel"));
    button.click();
  }

  document.addEventListener("keydown", function (event) {
    const tag = (event.target.tagName || "").toLowerCase();
    const typing = tag === "input" || tag === "textarea" || tag === "select";
    // Ctrl+Z (⌘Z) outside a text field takes back the call just logged; in a field it undoes typing.
    if ((event.ctrlKey || event.metaKey) && !event.altKey && (event.key === "z" || event.key === "Z") && !typing) {
      const undo = document.querySelector("#call-panel [data-undo-button]");
      if (undo && !undo.disabled && !event.repeat) { event.preventDefault(); press(undo); }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    // Escape leaves the note field, so the number keys log outcomes again.
    if (event.key === "Escape" && tag === "textarea") { event.target.blur(); return; }
    if (typing) return;
    const button = document.querySelector('#call-panel [data-key="' + event.key + '"]');
    if (!button) return;
    event.preventDefault();
    // A held key, a key for a company not yet seen, or a second press while the first is on its way
    // (its buttons are disabled) logs nothing.
    if (event.repeat || button.disabled || !onScreenLongEnough()) return;
    press(button);
  });

  // The call's duration is the time since the target appeared.
  document.body.addEventListener("htmx:configRequest", function (event) {
    const shown = card();
    if (shown && event.detail.parameters && "duration_s" in event.detail.parameters) {
      event.detail.parameters.duration_s = Math.round((Date.now() - Number(shown.dataset.shownAt)) / 1000);
    }
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target.id !== "call-panel") return;
    companyShown();
    const focus = document.querySelector("#call-panel [aria-invalid]") || document.querySelector("#call-panel [autofocus]")
      || document.querySelector("#call-panel h2");
    if (focus) focus.focus();
  });
  companyShown();

  // Where the director lets members choose, the chosen pattern is remembered on this device (per project).
  const select = document.getElementById("script-choice");
  if (!select) return;
  const storageKey = "anken-script-" + (select.dataset.projectId || "");
  function showScript() {
    document.querySelectorAll("[data-script]").forEach(function (el) { el.hidden = el.dataset.script !== select.value; });
  }
  select.addEventListener("change", function () {
    showScript();
    try { localStorage.setItem(storageKey, select.value); } catch (e) { /* private mode: not remembered */ }
  });
  let saved = null;
  try { saved = localStorage.getItem(storageKey); } catch (e) { /* private mode */ }
  if (saved && Array.from(select.options).some(function (o) { return o.value === saved; })) {
    select.value = saved;
  }
  showScript();
})();
