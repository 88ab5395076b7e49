/* Focal point: a click on an image preview (or the arrow keys on it) fills the x % / y % fields.
 * Works for every widget with data-mediadmin-focal (one delegated listener per event); the
 * fields' names come from its data-* attributes (data-field, data-focal-x, data-focal-y), built
 * in Python from the model field's focal_fields. The marker shows the point on both previews. */
"use strict";
(function () {
  const STEP = 5; // percent per arrow key press

  function inputs(widget) {
    const file = widget.querySelector('input[type="file"]');
    const prefix = file.name.slice(0, file.name.length - widget.dataset.field.length);
    const form = file.form;
    return [form.elements[prefix + widget.dataset.focalX], form.elements[prefix + widget.dataset.focalY]];
  }

  function clamp(value) {
    return Math.max(0, Math.min(100, Math.round(value)));
  }

  // The picture the point is for: the chosen file's preview once there is one, else the current image.
  function hasNewFile(widget) {
    const file = widget.querySelector('input[type="file"]');
    return Boolean(file && file.files && file.files.length);
  }

  function isTarget(widget, frame) {
    return !(frame.classList.contains("mediadmin-current") && hasNewFile(widget));
  }

  function show(widget) {
    const [x, y] = inputs(widget);
    const set = x && y && x.value !== "" && y.value !== "";
    for (const marker of widget.querySelectorAll(".mediadmin-focal-marker")) {
      marker.hidden = !set || !isTarget(widget, marker.closest(".mediadmin-focal-frame"));
      if (set) {
        marker.style.left = `${clamp(x.value)}%`;
        marker.style.top = `${clamp(y.value)}%`;
      }
    }
  }

  function setPoint(widget, xValue, yValue) {
    const [x, y] = inputs(widget);
    if (!x || !y) return;
    x.value = clamp(xValue);
    y.value = clamp(yValue);
    show(widget);
  }

  document.addEventListener("click", (event) => {
    const frame = event.target.closest(".mediadmin-focal-frame");
    const widget = frame && frame.closest("[data-mediadmin-focal]");
    if (!widget || !isTarget(widget, frame)) return;
    const box = frame.querySelector("img").getBoundingClientRect();
    setPoint(widget, ((event.clientX - box.left) / box.width) * 100, ((event.clientY - box.top) / box.height) * 100);
  });

  document.addEventListener("keydown", (event) => {
    const frame = event.target.closest && event.target.closest(".mediadmin-focal-frame");
    const widget = frame && frame.closest("[data-mediadmin-focal]");
    const moves = { ArrowLeft: [-STEP, 0], ArrowRight: [STEP, 0], ArrowUp: [0, -STEP], ArrowDown: [0, STEP] };
    if (!widget || !(event.key in moves) || !isTarget(widget, frame)) return;
    event.preventDefault();
    const [x, y] = inputs(widget);
    const [dx, dy] = moves[event.key];
    setPoint(widget, (x.value === "" ? 50 : Number(x.value)) + dx, (y.value === "" ? 50 : Number(y.value)) + dy);
  });

  document.addEventListener("input", (event) => {
    for (const widget of document.querySelectorAll("[data-mediadmin-focal]")) {
      if (inputs(widget).includes(event.target)) show(widget);
    }
  });

  // A newly chosen file starts centred: the old point was picked on another picture (the server
  // applies the same rule to every path, services/thumbnail_jobs.forget_stale_focus). Taking the
  // file back (an emptied selection) brings the old point back. The faded current picture stops
  // being a target (and a tab stop) while a new file is chosen.
  document.addEventListener("change", (event) => {
    const widget = event.target.type === "file" && event.target.closest("[data-mediadmin-focal]");
    if (!widget) return;
    const [x, y] = inputs(widget);
    if (!x || !y) return;
    if (hasNewFile(widget)) {
      if (!("keptX" in widget.dataset)) Object.assign(widget.dataset, { keptX: x.value, keptY: y.value });
      x.value = y.value = "";
    } else if ("keptX" in widget.dataset) {
      [x.value, y.value] = [widget.dataset.keptX, widget.dataset.keptY];
      delete widget.dataset.keptX;
      delete widget.dataset.keptY;
    }
    const current = widget.querySelector(".mediadmin-current.mediadmin-focal-frame");
    if (current) current.tabIndex = hasNewFile(widget) ? -1 : 0;
    show(widget);
  });

  document.addEventListener("DOMContentLoaded", () => {
    for (const widget of document.querySelectorAll("[data-mediadmin-focal]")) show(widget);
  });
})();
