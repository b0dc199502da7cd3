// The measure form: show only "which child" or "which parent" for the chosen
// questionnaire, and give the score box that questionnaire's range. Without
// JavaScript both questions stay visible and the server checks the answers.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("[data-measure-form]");
  if (!form) return;
  const score = form.querySelector('input[name="score"]');
  const update = () => {
    const chosen = form.querySelector('input[name="measure"]:checked');
    form.querySelectorAll("[data-about-field]").forEach((block) => {
      block.hidden = Boolean(chosen) && block.dataset.aboutField !== chosen.dataset.about;
    });
    if (chosen && score) {
      score.min = chosen.dataset.min;
      score.max = chosen.dataset.max;
    }
  };
  form.querySelectorAll('input[name="measure"]').forEach((radio) => {
    radio.addEventListener("change", update);
  });
  update();
});
