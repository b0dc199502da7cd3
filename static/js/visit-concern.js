// The visit form: the concern's details show once "I have a safeguarding concern"
// is ticked (or when they need correcting). Without JavaScript they always show.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.visit-form");
  const box = form && form.querySelector("[name=has_concern]");
  const details = form && form.querySelector("[data-concern-details]");
  if (!box || !details) return;
  const update = () => {
    details.hidden = !box.checked && !details.querySelector(".is-invalid");
  };
  box.addEventListener("change", update);
  update();
});
