// The directory search: htmx sends only the filters that are set, so the pushed URL stays short.
document.addEventListener("htmx:configRequest", (event) => {
  if (!event.detail.elt.matches("[data-directory-form]")) return;
  const parameters = event.detail.parameters; // FormData, in htmx 2
  for (const key of new Set(parameters.keys())) {
    if (parameters.getAll(key).every((value) => value === "")) parameters.delete(key);
  }
});
