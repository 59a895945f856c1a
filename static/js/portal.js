// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // The language menu submits itself; its button stays for people without JavaScript.
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    const form = select.form;
    form.querySelectorAll("[data-autosubmit-button]").forEach((button) => {
      button.classList.add("visually-hidden");
    });
    select.addEventListener("change", () => form.requestSubmit());
  });
});
// A refused form's error summary takes the focus (autofocus does without JavaScript, but not
// after a field of the form claimed it first).
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
});
