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
