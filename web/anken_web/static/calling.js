// The calling screen: number keys log outcomes, the call's duration is measured, and the chosen
// script pattern is remembered on this device.
(function () {
  "use strict";

  // Keys 1–7 press the outcome button with that number, unless the member is typing.
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const tag = (event.target.tagName || "").toLowerCase();
    // Escape leaves the note field, so the number keys log outcomes again.
    if (event.key === "Escape" && tag === "textarea") { event.target.blur(); return; }
    if (tag === "input" || tag === "textarea" || tag === "select") return;
    const button = document.querySelector('#call-panel [data-key="' + event.key + '"]');
    if (!button || button.disabled) return;
    event.preventDefault();
    // Until HTMX has wired the freshly swapped panel, a click would post the form as a full page;
    // process it first (a no-op when already done), and ignore keys before HTMX has loaded.
    if (!window.htmx) return;
    window.htmx.process(document.getElementById("call-panel"));
    button.click();
  });

  // The call's duration is the time since the target appeared.
  document.body.addEventListener("htmx:configRequest", function (event) {
    const shown = document.querySelector("#call-panel [data-shown-at]");
    if (shown && event.detail.parameters && "duration_s" in event.detail.parameters) {
      event.detail.parameters.duration_s = Math.round((Date.now() - Number(shown.dataset.shownAt)) / 1000);
    }
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target.id !== "call-panel") return;
    const shown = document.querySelector("#call-panel [data-shown-at]");
    if (shown) shown.dataset.shownAt = Date.now();
    const focus = document.querySelector("#call-panel [autofocus]") || document.querySelector("#call-panel h2");
    if (focus) focus.focus();
  });

  // The chosen pattern is remembered on this device (per project), so the member picks it once.
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
    showScript();
  }
})();
