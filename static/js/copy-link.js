// The family's evaluation link, shown once: the whole link is selected when the box
// is focused, and "Copy the link" copies it. Without JavaScript the button stays hidden.
document.addEventListener("DOMContentLoaded", () => {
  const input = document.getElementById("family-link");
  const button = document.getElementById("copy-family-link");
  const status = document.getElementById("copy-family-link-status");
  if (!input || !button || !status) return;
  input.addEventListener("focus", () => input.select());
  button.hidden = false;
  button.addEventListener("click", async () => {
    input.focus();
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
      status.textContent = "Copied: paste it into a text message or an email.";
    } catch {
      status.textContent = "The link is selected: copy it with your keyboard or menu.";
    }
  });
});
