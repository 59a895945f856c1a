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
// A filter form that htmx sends and pushes into the address bar does not ask again for the
// search the page already shows (an empty field counts as absent). Enter in a field both
// commits it (a change) and submits the form; the second, identical answer would arrive after
// the visitor had moved on (followed the error summary's link to the field, say) and swap the
// page again, its error summary taking the focus back.
document.addEventListener("htmx:configRequest", (event) => {
  const form = event.detail.elt;
  if (!form.matches("form[hx-get][hx-push-url='true']")) return;
  // htmx 2 hands the parameters over as FormData; the address bar's are URLSearchParams.
  const search = (entries) =>
    Array.from(entries)
      .filter(([, value]) => value !== "")
      .map(([key, value]) => JSON.stringify([key, String(value)]))
      .sort()
      .join("&");
  const asked = search(event.detail.parameters.entries());
  const shown = search(new URLSearchParams(window.location.search));
  const path = new URL(event.detail.path, window.location.href).pathname;
  if (path === window.location.pathname && asked === shown) event.preventDefault();
});
