// The demo's first-login guide (partials/demo_guide.html): hidden for good once dismissed,
// remembered per role in this browser. A file, not inline script: the CSP allows no inline code.
(function () {
  "use strict";
  const guide = document.querySelector("[data-demo-guide]");
  if (!guide) return;
  const key = "anken.demoGuide.dismissed." + guide.dataset.demoGuide;
  try {
    if (window.localStorage.getItem(key) === "1") {
      guide.remove();
      return;
    }
  } catch (error) {
    // Storage refused (private mode): the guide stays until dismissed on this page.
  }
  const button = guide.querySelector("[data-dismiss-guide]");
  if (!button) return;
  button.addEventListener("click", function () {
    try {
      window.localStorage.setItem(key, "1");
    } catch (error) {
      // Nothing to remember with; hiding it is still what was asked.
    }
    guide.remove();
  });
})();
