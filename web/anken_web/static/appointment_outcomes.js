// Appointment rows (projects/appointments.html): show the unqualified reason only when "unqualified" is
// chosen, the client's deal only for "qualified", and the meeting time only while the meeting is (being
// re)scheduled. Without this script every field simply stays visible.
(function () {
  "use strict";
  function sync(form) {
    var status = form.querySelector('[data-role="status"]');
    var outcome = form.querySelector('[data-role="outcome"]');
    form.querySelectorAll("[data-show-for-outcome]").forEach(function (box) {
      var wanted = box.getAttribute("data-show-for-outcome").split(" ");
      var invalid = box.querySelector('[aria-invalid="true"]');
      box.hidden = !invalid && !(outcome && wanted.indexOf(outcome.value) !== -1);
    });
    form.querySelectorAll("[data-show-for-status]").forEach(function (box) {
      var wanted = box.getAttribute("data-show-for-status").split(" ");
      var invalid = box.querySelector('[aria-invalid="true"]');
      box.hidden = !invalid && !(status && wanted.indexOf(status.value) !== -1);
    });
  }
  document.querySelectorAll("form[data-appointment-form]").forEach(function (form) {
    sync(form);
    form.addEventListener("change", function () { sync(form); });
  });
})();
