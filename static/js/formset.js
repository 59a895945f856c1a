// "Add a deliverable" below a Django formset: copies the empty row from its <template> and
// counts it in the management form. Without JavaScript the button stays hidden and the form
// offers its spare empty rows, as the server rendered them.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-formset]").forEach((formset) => {
    const prefix = formset.dataset.formsetPrefix;
    const total = formset.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
    const rows = formset.querySelector("[data-formset-rows]");
    const template = formset.querySelector("template[data-formset-template]");
    const button = formset.querySelector("button[data-formset-add]");
    if (!total || !rows || !template || !button) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", () => {
      const index = Number.parseInt(total.value, 10);
      const html = template.innerHTML
        .replaceAll("__prefix__", String(index))
        .replaceAll("__number__", String(index + 1));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      rows.lastElementChild?.querySelector("input, textarea")?.focus();
    });
  });
});
