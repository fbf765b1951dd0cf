// Behaviour every page shares, wired by data attributes: the Content-Security-Policy allows no
// inline script or event handler, so templates say what they need and this file does it.
(function () {
  "use strict";

  // <select data-autosubmit> / <input type=checkbox data-autosubmit>: a change submits the form
  // (through HTMX when the form has hx-post, as requestSubmit fires the submit event).
  document.addEventListener("change", function (event) {
    const field = event.target.closest && event.target.closest("[data-autosubmit]");
    if (field && field.form) field.form.requestSubmit();
  });

  // <form data-confirm="…">: asks before submitting.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("click", function (event) {
    const target = event.target.closest ? event.target : null;
    if (!target) return;
    // <button data-copy-from="id" data-done="Copied">: copies the element's text.
    const copy = target.closest("[data-copy-from]");
    if (copy) {
      const source = document.getElementById(copy.dataset.copyFrom);
      if (source && navigator.clipboard) {
        navigator.clipboard.writeText(source.textContent).then(function () {
          if (copy.dataset.done) copy.textContent = copy.dataset.done;
        });
      }
      return;
    }
    // <button data-open-dialog="id">: opens the dialog and focuses its first field.
    const opener = target.closest("[data-open-dialog]");
    if (opener) {
      const dialog = document.getElementById(opener.dataset.openDialog);
      if (dialog) {
        dialog.showModal();
        const first = dialog.querySelector("input:not([type=hidden])");
        if (first) first.focus();
      }
      return;
    }
    // <button data-close-dialog>: closes the dialog it sits in.
    const closer = target.closest("[data-close-dialog]");
    if (closer) {
      const dialog = closer.closest("dialog");
      if (dialog) dialog.close();
    }
  });
})();
