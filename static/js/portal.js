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
// A summary link to a field inside a closed off-canvas panel (the directory's filters on a
// phone) opens the panel first, then moves to the field.
document.addEventListener("click", (event) => {
  const link = event.target.closest(".error-summary a[href^='#']");
  if (!link || !window.bootstrap) return;
  const field = document.getElementById(link.getAttribute("href").slice(1));
  const panel = field && field.closest(".offcanvas, .offcanvas-lg");
  if (!panel || panel.checkVisibility({ visibilityProperty: true, checkVisibilityCSS: true })) return;
  event.preventDefault();
  panel.addEventListener(
    "shown.bs.offcanvas",
    () => (field.matches("input, select, textarea") ? field : field.querySelector("input"))?.focus(),
    { once: true },
  );
  window.bootstrap.Offcanvas.getOrCreateInstance(panel).show();
});
