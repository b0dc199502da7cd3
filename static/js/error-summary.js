// The error summary (templates/includes/error_summary.html): the first on the page takes the
// focus, so a screen reader reads it and a phone shows it; each of its links moves the focus
// to its field, with the field's label in view.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      var label = document.querySelector("label[for='" + field.id + "']");
      (field.closest(".mb-3, fieldset") || label || field).scrollIntoView();
      field.focus({ preventScroll: true });
    });
  });
})();
