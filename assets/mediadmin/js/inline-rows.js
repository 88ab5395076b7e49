/* Rows of the product's inlines.
 *
 * Column names: each cell gets its column heading as data-label, which the phone layout
 * (bulk-upload.css, 767 px and below) shows above the cell once the table is stacked.
 *
 * Order of an inline's stored rows (the gallery): drag a row by its handle, or use its
 * "move up" / "move down" buttons; either way the rows' position inputs are rewritten in page
 * order, so Save stores the order. New rows ("Add another", the extra row) are numbered after
 * the last stored row. "Use as main image" submits the form with the row's image id.
 *
 * Everything is found through data-* attributes rendered by the order widget
 * (mediadmin/widgets/gallery_order.html): [data-mediadmin-order] wraps a row's position input,
 * [data-drag-handle], [data-move], [data-make-main] + data-param. Listeners are delegated to
 * the document, so rows inserted later (drop zones, "Add another") work without set-up.
 */
"use strict";
(function () {
  const ORDER = "[data-mediadmin-order]";
  let dragging = null;

  function orderInput(row) {
    const wrapper = row.querySelector(ORDER);
    return wrapper ? wrapper.querySelector("input") : null;
  }

  function tbodyOf(row) { return row.parentElement; }

  function formRows(tbody) {
    return Array.from(tbody.children).filter((r) => r.matches("tr.form-row:not(.empty-form)") && orderInput(r));
  }

  function storedRows(tbody) { return formRows(tbody).filter((r) => r.classList.contains("has_original")); }

  /* New rows take the positions after the stored rows; a number typed by hand is left alone. */
  function numberNewRows(tbody) {
    let next = 0;
    for (const row of storedRows(tbody)) next = Math.max(next, (Number(orderInput(row).value) || 0) + 1);
    for (const row of formRows(tbody)) {
      const input = orderInput(row);
      if (row.classList.contains("has_original") || input.dataset.typed) continue;
      input.value = String(next);
      next += 1;
    }
  }

  /* The stored rows' positions follow the page order: 0, 1, 2, … */
  function writeOrder(tbody) {
    storedRows(tbody).forEach((row, index) => { orderInput(row).value = String(index); });
    numberNewRows(tbody);
  }

  /* A row moves with the row of its errors (Django renders it just above). */
  function errorsOf(row) {
    const previous = row.previousElementSibling;
    return previous && previous.classList.contains("row-form-errors") ? previous : null;
  }

  function placeBefore(row, target) {
    const errors = errorsOf(row);
    (errorsOf(target) || target).before(row);
    if (errors) row.before(errors);
  }

  function placeAfter(row, target) {
    const errors = errorsOf(row);
    target.after(row);
    if (errors) row.before(errors);
  }

  function move(button) {
    const row = button.closest("tr");
    const rows = storedRows(tbodyOf(row));
    const index = rows.indexOf(row);
    const up = button.dataset.move === "up";
    const target = rows[index + (up ? -1 : 1)];
    if (index < 0 || !target) return;
    if (up) placeBefore(row, target);
    else placeAfter(row, target);
    writeOrder(tbodyOf(row));
    button.focus();  // moving the row in the page took the focus away
    announce(row);
  }

  /* Say where the row is now (a visually hidden live region of the row, text from the server). */
  function announce(row) {
    const status = row.querySelector("[data-order-status]");
    const rows = storedRows(tbodyOf(row));
    if (!status) return;
    status.textContent = status.dataset.text
      .split("{place}").join(String(rows.indexOf(row) + 1)).split("{count}").join(String(rows.length));
  }

  function makeMain(button) {
    const form = button.form;
    if (!form) return;
    // One choice per submission, even if an earlier one was held back (a "leave page?" answer).
    for (const earlier of form.querySelectorAll("input[type=hidden][data-main-choice]")) earlier.remove();
    const input = document.createElement("input");
    input.type = "hidden";
    input.dataset.mainChoice = "";
    input.name = button.dataset.param;
    input.value = button.dataset.makeMain;
    form.append(input);
    form.requestSubmit();
  }

  document.addEventListener("click", (event) => {
    const moveButton = event.target.closest("[data-move]");
    if (moveButton && moveButton.closest(ORDER)) move(moveButton);
    const mainButton = event.target.closest("[data-make-main]");
    if (mainButton) makeMain(mainButton);
  });

  document.addEventListener("input", (event) => {
    const input = event.target;
    if (input.parentElement && input.parentElement.matches(ORDER)) input.dataset.typed = "1";
  });

  /* Dragging: by the handle only (draggable="true"), so the inputs keep their mouse selection. */
  document.addEventListener("dragstart", (event) => {
    const handle = event.target instanceof Element ? event.target.closest("[data-drag-handle]") : null;
    const row = handle ? handle.closest("tr.has_original") : null;
    if (!row) return;
    dragging = row;
    row.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", "");
    event.dataTransfer.setDragImage(row, 10, 10);
  });

  document.addEventListener("dragover", (event) => {
    if (!dragging || !(event.target instanceof Element)) return;
    const target = event.target.closest("tr.has_original");
    if (!target || target === dragging || tbodyOf(target) !== tbodyOf(dragging) || !orderInput(target)) return;
    event.preventDefault();
    const box = target.getBoundingClientRect();
    if (event.clientY > box.top + box.height / 2) placeAfter(dragging, target);
    else placeBefore(dragging, target);
  });

  document.addEventListener("drop", (event) => {
    if (dragging) event.preventDefault();
  });

  document.addEventListener("dragend", () => {
    if (!dragging) return;
    const row = dragging;
    dragging = null;
    row.classList.remove("is-dragging");
    writeOrder(tbodyOf(row));
  });

  /* The column heading of each cell of a row, as its data-label (headings rendered by Django). */
  function labelCells(row) {
    const table = row.closest("table");
    const headings = table ? Array.from(table.querySelectorAll("thead th"), (th) => th.textContent.trim()) : [];
    Array.from(row.children).forEach((cell, index) => {
      if (headings[index]) cell.dataset.label = headings[index];
    });
  }

  /* New rows: the extra row on load, "Add another" (Django's formset:added), drop-zone rows. */
  function added(node) {
    const row = node instanceof Element ? node.closest("tr") : null;
    if (!row || !row.parentElement) return;
    labelCells(row);
    if (orderInput(row)) numberNewRows(row.parentElement);
  }
  document.addEventListener("formset:added", (event) => added(event.target));
  document.addEventListener("mediadmin:row-added", (event) => added(event.target));

  function init() {
    for (const row of document.querySelectorAll(".js-inline-admin-formset tbody > tr.form-row")) labelCells(row);
    const bodies = new Set(Array.from(document.querySelectorAll("tr.form-row " + ORDER), (w) => w.closest("tbody")));
    for (const tbody of bodies) numberNewRows(tbody);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
