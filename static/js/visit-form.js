// The visit form. When nobody was in, the questions about the time spent with
// the family (what was done, how engaged they were) are hidden, and the
// suggested duration becomes the short time spent trying; a duration typed by
// the volunteer is never changed. After a refused submit the error summary is
// focused, so every problem is read out together. Without JavaScript every
// question shows and the server ignores those an attempt does not need.
(function () {
  "use strict";

  function contactAnswer(form) {
    var chosen = form.querySelector("[name=contact_made]:checked");
    return chosen ? chosen.value : "";
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();

    var form = document.querySelector("form[data-visit-form]");
    if (!form) return;
    var duration = form.querySelector("[name=duration_minutes]");
    var visitMinutes = form.getAttribute("data-visit-minutes");
    var attemptMinutes = form.getAttribute("data-attempt-minutes");
    // Suggested until the volunteer types a duration of their own.
    var suggested = duration && (duration.value === visitMinutes || duration.value === attemptMinutes);
    if (duration) {
      duration.addEventListener("input", function () {
        suggested = false;
      });
    }

    var update = function (event) {
      var attempt = contactAnswer(form) === "no";
      form.querySelectorAll("[data-contact-only]").forEach(function (part) {
        part.hidden = attempt;
      });
      // Only when the answer is changed: a page shown again keeps the duration it had.
      if (event && duration && suggested) {
        var minutes = attempt ? attemptMinutes : visitMinutes;
        if (duration.value !== minutes) {
          duration.value = minutes;
          // So that the copy kept on the device catches up.
          duration.dispatchEvent(new Event("change", { bubbles: true }));
        }
      }
    };
    form.querySelectorAll("[name=contact_made]").forEach(function (radio) {
      radio.addEventListener("change", update);
    });
    update();
  });
})();
