// The attendance register: "Tick everyone" ticks every volunteer in the form
// (most of a training group usually attends). Without JavaScript the button stays hidden.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-tick-all]").forEach((button) => {
    const form = button.closest("form");
    button.hidden = false;
    button.addEventListener("click", () => {
      form.querySelectorAll('input[type="checkbox"][name="volunteers"]').forEach((box) => {
        box.checked = true;
      });
    });
  });
});
