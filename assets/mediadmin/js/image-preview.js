/* Shows a preview of a newly chosen image before the form is saved.
 * Works for every <input type=file data-mediadmin-preview> on the page, including
 * inline rows added later (one delegated listener). No configuration besides data-*. */
"use strict";
(function () {
  const urls = new WeakMap();

  function previewFor(input) {
    const widget = input.closest(".mediadmin-image-widget");
    return widget ? widget.querySelector(".mediadmin-new-preview") : null;
  }

  function show(input) {
    const figure = previewFor(input);
    if (!figure) return;
    const img = figure.querySelector("img");
    const old = urls.get(figure);
    if (old) URL.revokeObjectURL(old);
    const file = input.files && input.files[0];
    if (!file || !file.type.startsWith("image/")) {
      figure.hidden = true;
      img.removeAttribute("src");
      figure.closest(".mediadmin-image-widget").classList.remove("has-new-file");
      return;
    }
    const url = URL.createObjectURL(file);
    urls.set(figure, url);
    img.src = url;
    figure.hidden = false;
    figure.closest(".mediadmin-image-widget").classList.add("has-new-file");
  }

  document.addEventListener("change", (event) => {
    const input = event.target;
    if (input instanceof HTMLInputElement && input.type === "file" && input.hasAttribute("data-mediadmin-preview")) {
      show(input);
    }
  });
})();
