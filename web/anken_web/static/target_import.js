// The import wizard's file field: a file over the upload limit is refused before it is sent, with the
// same sentence the server would give, next to the field. The panel is replaced by htmx after each
// dry run, so the listener is delegated from the document.
(function () {
  "use strict";

  function check(input) {
    const limit = Number(input.dataset.maxBytes || 0);
    const error = document.getElementById("error-file");
    const file = input.files && input.files[0];
    const tooLarge = Boolean(limit && file && file.size > limit);
    input.setCustomValidity(tooLarge ? input.dataset.tooLarge : "");
    if (tooLarge) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    if (error) {
      error.textContent = tooLarge ? input.dataset.tooLarge : "";
      error.hidden = !tooLarge;
    }
    return !tooLarge;
  }

  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "import-file") check(event.target);
  });

  document.addEventListener("submit", function (event) {
    const input = event.target && event.target.querySelector && event.target.querySelector("#import-file");
    if (input && !check(input)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
