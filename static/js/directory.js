// The directory search: htmx sends only the filters that are set, so the pushed URL stays short.
document.addEventListener("htmx:configRequest", (event) => {
  if (!event.detail.elt.matches("[data-directory-form]")) return;
  const parameters = event.detail.parameters;
  for (const key of Array.from(parameters.keys ? parameters.keys() : Object.keys(parameters))) {
    const values = parameters.getAll ? parameters.getAll(key) : [parameters[key]].flat();
    if (values.every((value) => value === "")) {
      if (parameters.delete) parameters.delete(key);
      else delete parameters[key];
    }
  }
});
