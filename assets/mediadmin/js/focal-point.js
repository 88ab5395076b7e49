/* Focal point: a click on an image preview (or the arrow keys on it) fills the x % / y % fields.
 * Works for every widget with data-mediadmin-focal (one delegated listener per event); the
 * fields' names come from its data-* attributes (data-field, data-focal-x, data-focal-y), built
 * in Python from the model field's focal_fields.
 *
 * Which picture the point is for: the current image, or once a new file is chosen (image-preview.js
 * marks the widget has-new-file: the one rule for both scripts) that file's preview. The fields are
 * never emptied here: a new file whose point is left as it was starts centred on the server
 * (services/thumbnail_jobs.forget_stale_focus), and a form sent back with errors still holds the
 * current image's point. The new preview shows a marker only once a point is set on it. */
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

  function hasNewFile(widget) {
    return widget.classList.contains("has-new-file");
  }

  // A frame takes clicks and keys when its picture is the one the point is for.
  function isTarget(widget, frame) {
    return frame.classList.contains("mediadmin-current") !== hasNewFile(widget);
  }

  // Whether the fields hold a point for the picture shown: the current one's, or one set on the new file.
  function pointFor(widget) {
    const [x, y] = inputs(widget);
    const set = x && y && x.value !== "" && y.value !== "";
    return set && (!hasNewFile(widget) || widget.dataset.newPoint === "set") ? [x.value, y.value] : null;
  }

  function show(widget) {
    const point = pointFor(widget);
    for (const marker of widget.querySelectorAll(".mediadmin-focal-marker")) {
      marker.hidden = !point || !isTarget(widget, marker.closest(".mediadmin-focal-frame"));
      if (point) {
        marker.style.left = `${clamp(point[0])}%`;
        marker.style.top = `${clamp(point[1])}%`;
      }
    }
  }

  function setPoint(widget, xValue, yValue) {
    const [x, y] = inputs(widget);
    if (!x || !y) return;
    x.value = clamp(xValue);
    y.value = clamp(yValue);
    if (hasNewFile(widget)) widget.dataset.newPoint = "set";
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
    const [x, y] = pointFor(widget) || [50, 50]; // a new file's point starts at the centre
    const [dx, dy] = moves[event.key];
    setPoint(widget, Number(x) + dx, Number(y) + dy);
  });

  document.addEventListener("input", (event) => {
    for (const widget of document.querySelectorAll("[data-mediadmin-focal]")) {
      if (!inputs(widget).includes(event.target)) continue;
      if (hasNewFile(widget)) widget.dataset.newPoint = "set"; // typed for the new file
      show(widget);
    }
  });

  // A new (or no longer any) file: the point is yet to be set on it, and the faded current picture
  // is neither a target nor a tab stop while a new file is chosen. image-preview.js, loaded first,
  // has already marked the widget.
  document.addEventListener("change", (event) => {
    const widget = event.target.type === "file" && event.target.closest("[data-mediadmin-focal]");
    if (!widget) return;
    delete widget.dataset.newPoint;
    const current = widget.querySelector(".mediadmin-current.mediadmin-focal-frame");
    if (current) current.tabIndex = hasNewFile(widget) ? -1 : 0;
    show(widget);
  });

  document.addEventListener("DOMContentLoaded", () => {
    for (const widget of document.querySelectorAll("[data-mediadmin-focal]")) show(widget);
  });
})();
