// "Preview" beside a Markdown field: asks the server for the sanitised HTML the saved page will
// show. Without JavaScript the button stays hidden and the form works as before.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("button[data-markdown-preview]").forEach((button) => {
    const source = document.getElementById(button.dataset.previewSource);
    const target = document.getElementById(button.dataset.previewTarget);
    if (!source || !target) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", async () => {
      const token = source.form?.querySelector("input[name=csrfmiddlewaretoken]");
      const body = new FormData();
      body.append("text", source.value);
      button.disabled = true;
      try {
        const response = await fetch(button.dataset.previewUrl, {
          method: "POST",
          body,
          credentials: "same-origin",
          headers: { "X-CSRFToken": token ? token.value : "" },
        });
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        // The server renders the Markdown and sanitises it (nh3); nothing else is inserted.
        target.innerHTML = await response.text();
      } catch {
        target.textContent = button.dataset.previewError;
      } finally {
        target.hidden = false;
        button.disabled = false;
      }
    });
  });
});
