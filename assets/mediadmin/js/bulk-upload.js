/* Upload many files, one request each, with a progress bar per file and an overall one.
 *
 * Two kinds of roots, both configured only through data-* attributes (no inline script):
 *   [data-mediadmin-uploader]  a drop zone in an inline of the product change form: each
 *                              success becomes a new row of that inline's formset (the
 *                              server's own markup of the row, counted as a stored form).
 *   [data-mediadmin-bulk]      the bulk upload page: files are matched to products by SKU
 *                              (or all go to one product) and a summary is offered as CSV.
 * Markup (items, rows, texts) comes from <template> elements rendered by Django, so every
 * string is translated server-side and no HTML is assembled here.
 */
"use strict";
(function () {
  const FINAL = new Set(["uploaded", "duplicate", "refused", "failed", "cancelled", "unmatched"]);

  function readCookie(name) {
    const prefix = name + "=";
    for (const part of document.cookie.split(";")) {
      const item = part.trim();
      if (item.startsWith(prefix)) return decodeURIComponent(item.slice(prefix.length));
    }
    return "";
  }

  function csrfToken(root) {
    const input = root.querySelector("input[name=csrfmiddlewaretoken]")
      || document.querySelector("input[name=csrfmiddlewaretoken]");
    return readCookie(root.dataset.csrfCookie || "csrftoken") || (input ? input.value : "");
  }

  function text(root, key, values) {
    let s = root.dataset["text" + key] || key;
    for (const [name, value] of Object.entries(values || {})) s = s.split("{" + name + "}").join(value);
    return s;
  }

  function humanSize(bytes) {
    const units = ["bytes", "KB", "MB", "GB"];
    let i = 0;
    while (bytes >= 1024 && i < units.length - 1) { bytes /= 1024; i += 1; }
    return (i ? bytes.toFixed(1) : bytes) + " " + units[i];
  }

  function fill(node, data) {
    for (const el of node.querySelectorAll("[data-slot]")) {
      const value = data[el.dataset.slot];
      if (value === undefined || value === null || value === "") continue;
      if (el.dataset.attr) el.setAttribute(el.dataset.attr, value);
      else el.textContent = value;
    }
  }

  /* The bytes an item adds to the overall bar: none once cancelled, all once final. */
  function contribution(item) {
    if (item.state === "cancelled") return { total: 0, loaded: 0 };
    return { total: item.file.size, loaded: FINAL.has(item.state) ? item.file.size : item.loaded };
  }

  /* A queue of files sent with XMLHttpRequest (for upload progress), a few at a time.
   * Running totals (bytes, counts per state) are updated by deltas, so a progress event
   * costs the same with 5 or 5,000 files queued; clicks are delegated to the list. */
  class Queue {
    constructor(root, options) {
      this.root = root;
      this.url = root.dataset.uploadUrl;
      this.maxBytes = Number(root.dataset.maxBytes || 0);
      this.fileParam = root.dataset.fileParam;
      this.duplicateParam = root.dataset.allowDuplicateParam;
      this.list = root.querySelector("[data-list]");
      this.itemTemplate = root.querySelector("template[data-item-template]");
      this.overall = root.querySelector("[data-overall]");
      this.items = [];
      this.byNode = new WeakMap();
      this.waiting = [];  // FIFO of items to send; an entry no longer queued is skipped
      this.counts = {};
      this.totals = { total: 0, loaded: 0, finished: 0 };
      this.active = 0;
      this.fields = options.fields || (() => ({}));
      this.onResult = options.onResult || (() => {});
      this.onIdle = options.onIdle || (() => {});
      this.list.addEventListener("click", (event) => this.clicked(event));
      // Leaving the page (or saving the form) would cut the files still on their way.
      window.addEventListener("beforeunload", (event) => {
        if ((this.counts.queued || 0) + (this.counts.uploading || 0) > 0) {
          event.preventDefault();
          event.returnValue = "";
        }
      });
    }

    clicked(event) {
      const button = event.target.closest("[data-action]");
      const item = button && this.byNode.get(button.closest(".mediadmin-upload-item"));
      if (!item) return;
      const action = button.dataset.action;
      if (action === "cancel") this.cancel(item);
      else if (action === "retry") this.retry(item, false);
      else if (action === "keep") this.retry(item, true);
    }

    add(file, extra) {
      const node = this.itemTemplate.content.firstElementChild.cloneNode(true);
      const item = { file, node, state: null, loaded: 0, xhr: null, allowDuplicate: false, ...extra };
      fill(node, { name: file.name, size: humanSize(file.size) });
      this.nameButtons(node, file.name);
      this.byNode.set(node, item);
      this.list.append(node);
      this.items.push(item);
      if (this.maxBytes && file.size > this.maxBytes) {
        this.finish(item, "refused", text(this.root, "TooLarge",
          { name: file.name, size: humanSize(file.size), limit: humanSize(this.maxBytes) }));
      } else {
        this.setState(item, "queued", item.message || "");
      }
      return item;
    }

    /* Each per-file button says which file it acts on (the visible text alone does not). */
    nameButtons(node, name) {
      const keys = { cancel: "CancelFile", retry: "RetryFile", keep: "KeepFile" };
      for (const button of node.querySelectorAll("[data-action]")) {
        const key = keys[button.dataset.action];
        if (key && this.root.dataset["text" + key]) button.setAttribute("aria-label", text(this.root, key, { name }));
      }
    }

    start() { this.pump(); this.update(); }

    /* Read on every pump, so data-concurrency can be changed while files wait. */
    get concurrency() { return Number(this.root.dataset.concurrency || 3); }

    /* Change an item's state or bytes, keeping the running totals right by their difference. */
    track(item, change) {
      const before = item.state === null ? { total: 0, loaded: 0 } : contribution(item);
      const wasFinal = FINAL.has(item.state);
      if (item.state !== null) this.counts[item.state] -= 1;
      change();
      const after = contribution(item);
      this.counts[item.state] = (this.counts[item.state] || 0) + 1;
      this.totals.total += after.total - before.total;
      this.totals.loaded += after.loaded - before.loaded;
      this.totals.finished += Number(FINAL.has(item.state)) - Number(wasFinal);
    }

    setState(item, state, message) {
      this.track(item, () => { item.state = state; });
      if (state === "queued") this.waiting.push(item);
      item.node.dataset.state = state;
      item.node.querySelector("[data-status]").textContent = message || text(this.root, state[0].toUpperCase() + state.slice(1));
      item.node.querySelector("[data-action=cancel]").hidden = FINAL.has(state);
      item.node.querySelector("[data-action=retry]").hidden = !["failed", "refused", "cancelled", "unmatched"].includes(state);
      item.node.querySelector("[data-action=keep]").hidden = state !== "duplicate";
      this.showProgress(item);
    }

    showProgress(item) {
      const bar = item.node.querySelector("progress");
      bar.value = item.state === "uploaded" ? 100 : Math.round(100 * item.loaded / Math.max(item.file.size, 1));
    }

    nextWaiting() {
      while (this.waiting.length) {
        const item = this.waiting.shift();
        if (item.state === "queued") return item;
      }
      return null;
    }

    pump() {
      while (this.active < this.concurrency) {
        const next = this.nextWaiting();
        if (!next) break;
        this.send(next);
      }
      if (this.active === 0 && this.items.length && this.totals.finished === this.items.length) {
        this.root.dataset.state = "done";
        this.onIdle(this);
      }
    }

    send(item) {
      const xhr = new XMLHttpRequest();
      const form = new FormData();
      for (const [key, value] of Object.entries(this.fields(item))) form.append(key, value);
      if (item.allowDuplicate) form.append(this.duplicateParam, "1");
      form.append(this.fileParam, item.file, item.file.name);
      item.xhr = xhr;
      this.track(item, () => { item.loaded = 0; });
      this.active += 1;
      this.root.dataset.state = "uploading";
      this.setState(item, "uploading");
      xhr.open("POST", this.url);
      xhr.setRequestHeader("X-CSRFToken", csrfToken(this.root));
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.responseType = "json";
      xhr.upload.addEventListener("progress", (e) => this.progressed(item, e));
      xhr.addEventListener("load", () => this.received(item, xhr));
      xhr.addEventListener("error", () => this.done(item, "failed", text(this.root, "Network")));
      xhr.addEventListener("abort", () => this.done(item, "cancelled"));
      xhr.send(form);
    }

    /* One progress event: this item's bar and the overall totals, nothing else is visited. */
    progressed(item, event) {
      if (!event.lengthComputable || item.state !== "uploading") return;
      this.track(item, () => { item.loaded = event.loaded; });
      this.showProgress(item);
      this.update();
    }

    received(item, xhr) {
      const data = xhr.response && typeof xhr.response === "object" ? xhr.response : null;
      if (!data || !data.status) {
        this.done(item, "failed", text(this.root, "Server", { status: xhr.status }));
        return;
      }
      const state = data.status === "forbidden" ? "refused" : data.status;
      item.result = data;
      this.done(item, state, data.message);
      if (state === "uploaded") this.onResult(item, data);
    }

    done(item, state, message) {
      this.active -= 1;
      item.xhr = null;
      this.finish(item, state, message);
      this.pump();
    }

    finish(item, state, message) {
      if (state === "uploaded") this.track(item, () => { item.loaded = item.file.size; });
      item.message = message || "";
      this.setState(item, state, message);
      this.update();
    }

    cancel(item) {
      if (item.xhr) item.xhr.abort();
      else if (item.state === "queued") { this.finish(item, "cancelled"); this.pump(); }
    }

    retry(item, allowDuplicate) {
      item.allowDuplicate = allowDuplicate || item.allowDuplicate;
      this.track(item, () => { item.loaded = 0; });
      this.root.dataset.state = "uploading";
      this.setState(item, "queued");
      this.pump();
      this.update();
    }

    update() {
      if (!this.overall) return;
      const c = this.counts;
      const { total, loaded, finished } = this.totals;
      this.overall.hidden = this.items.length === 0;
      this.overall.querySelector("progress").value = total ? Math.round(100 * loaded / total) : 100;
      this.overall.querySelector("[data-overall-text]").textContent = text(this.root, "Overall", {
        finished, total: this.items.length, uploaded: c.uploaded || 0,
        problems: (c.refused || 0) + (c.failed || 0) + (c.duplicate || 0) + (c.unmatched || 0),
      });
    }
  }

  function takeFiles(zone, input, onFiles) {
    input.addEventListener("change", () => {
      const files = Array.from(input.files);
      input.value = "";
      if (files.length) onFiles(files);
    });
    zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("is-dragover"); });
    zone.addEventListener("dragleave", () => zone.classList.remove("is-dragover"));
    zone.addEventListener("drop", (e) => {
      e.preventDefault();
      zone.classList.remove("is-dragover");
      const files = Array.from((e.dataTransfer && e.dataTransfer.files) || []);
      if (files.length) onFiles(files);
    });
  }

  /* Change form: the upload's answer carries the inline's own markup of the new row
   * (rendered as form 0 of a formset holding only it). It goes after the stored rows (among
   * them by position when the inline is ordered), the forms of the inline are numbered in page
   * order as Django's inlines.js does (stored forms first, so the new one is a stored form), and
   * the management form counts one more stored form. */
  function escapeRegExp(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  function reindex(row, prefix, index) {
    const pattern = new RegExp("(" + escapeRegExp(prefix) + "-(\\d+|__prefix__))", "g");
    const replacement = prefix + "-" + index;
    for (const el of [row, ...row.querySelectorAll("*")]) {
      for (const attr of ["id", "name", "for", "aria-describedby", "aria-labelledby"]) {
        const value = el.getAttribute(attr);
        if (value) el.setAttribute(attr, value.replace(pattern, replacement));
      }
    }
  }

  function orderValue(row) {
    const input = row.querySelector("[data-mediadmin-order] input");
    return input && input.value !== "" ? Number(input.value) : null;
  }

  function formRows(tbody) {
    return Array.from(tbody.children).filter((r) => r.matches("tr.form-row:not(.empty-form)"));
  }

  function placeRow(tbody, row) {
    const stored = formRows(tbody).filter((r) => r.classList.contains("has_original"));
    const position = orderValue(row);
    const later = position === null ? null : stored.find((r) => orderValue(r) > position);
    if (later) {
      const errors = later.previousElementSibling;
      (errors && errors.classList.contains("row-form-errors") ? errors : later).before(row);
    } else if (stored.length) stored[stored.length - 1].after(row);
    else tbody.prepend(row);
  }

  function insertRow(root, data) {
    const prefix = root.dataset.inlinePrefix;
    const group = document.getElementById(prefix + "-group");
    if (!group || !data.row_html) return;
    const parsed = new DOMParser().parseFromString(data.row_html, "text/html");
    const row = parsed.querySelector("tbody > tr.form-row.has_original");
    const tbody = group.querySelector("table tbody");
    const initial = document.getElementById("id_" + prefix + "-INITIAL_FORMS");
    const total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    if (!row || !tbody || !initial || !total) return;
    row.classList.add("mediadmin-uploaded-row", "dynamic-" + prefix);
    placeRow(tbody, document.adoptNode(row));
    const forms = formRows(tbody);
    // A row whose id already names its place keeps its inputs' names: with hundreds of rows
    // only the rows after the new one (usually the empty extra rows) are visited in depth.
    forms.forEach((form, index) => { if (form.id !== prefix + "-" + index) reindex(form, prefix, index); });
    initial.value = String(Number(initial.value) + 1);
    total.value = String(forms.length);
    row.dispatchEvent(new CustomEvent("mediadmin:row-added", { bubbles: true, detail: { prefix } }));
  }

  /* Gallery positions in the order files were chosen: numbered after the last stored row
   * (and after the files already on their way), sent with each file. */
  function positionCounter(root) {
    const group = document.getElementById(root.dataset.inlinePrefix + "-group");
    let next = 0;
    return () => {
      const values = group ? Array.from(group.querySelectorAll("tr.has_original"), orderValue) : [];
      for (const value of values) if (value !== null && value + 1 > next) next = value + 1;
      next += 1;
      return next - 1;
    };
  }

  function initInline(root) {
    const positionParam = root.dataset.positionParam;
    const nextPosition = positionParam ? positionCounter(root) : null;
    const queue = new Queue(root, {
      fields: (item) => {
        const fields = Object.fromEntries(
          Array.from(root.querySelectorAll("[data-field]"), (el) => [el.dataset.field, el.value]));
        if (positionParam && item.position !== undefined) fields[positionParam] = String(item.position);
        return fields;
      },
      onResult: (item, data) => insertRow(root, data),
    });
    const duplicates = root.querySelector("[data-allow-duplicate]");
    takeFiles(root.querySelector("[data-drop]"), root.querySelector("input[type=file]"), (files) => {
      for (const file of files) {
        const extra = { allowDuplicate: duplicates && duplicates.checked };
        if (nextPosition) extra.position = nextPosition();
        queue.add(file, extra);
      }
      queue.start();
    });
  }

  /* Bulk page: match names to products, upload the matched files, then offer a summary.
   * A CSV cell starting like a formula (data-csv-formula-start) would run in a spreadsheet. */
  function csvCell(value, formulaStart) {
    let s = String(value === undefined || value === null ? "" : value);
    if (s && formulaStart.includes(s[0])) s = "'" + s;
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  /* The columns and the formula guard come from the server (data-csv-header, data-csv-formula-start):
   * the same as the CSV of the page without JavaScript. */
  function summaryCsv(root, queue) {
    const header = JSON.parse(root.dataset.csvHeader);
    const formulaStart = JSON.parse(root.dataset.csvFormulaStart);
    const lines = [header];
    for (const i of queue.items) {
      const product = i.product || (i.result && i.result.product) || {};
      const row = { file: i.file.name, status: i.state, product_sku: product.sku || "",
        product_name: product.name || "", message: i.message || "" };
      lines.push(header.map((column) => row[column]));
    }
    return lines.map((line) => line.map((cell) => csvCell(cell, formulaStart)).join(",")).join("\r\n") + "\r\n";
  }

  function showSummary(root, queue) {
    const summary = root.querySelector("[data-summary]");
    const c = queue.counts;
    fill(summary, {
      uploaded: String(c.uploaded || 0), duplicate: String(c.duplicate || 0),
      refused: String((c.refused || 0) + (c.failed || 0)), unmatched: String(c.unmatched || 0),
      cancelled: String(c.cancelled || 0), total: String(queue.items.length),
    });
    const link = summary.querySelector("[data-csv]");
    if (link.href && link.href.startsWith("blob:")) URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(new Blob([summaryCsv(root, queue)], { type: "text/csv" }));
    summary.hidden = false;
  }

  async function matchNames(root, names) {
    const matches = {};
    const chunk = Number(root.dataset.matchChunk);  // the most names the server takes at once
    for (let start = 0; start < names.length; start += chunk) {
      const response = await fetch(root.dataset.matchUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(root) },
        body: JSON.stringify({ names: names.slice(start, start + chunk) }),
      });
      if (!response.ok) throw new Error(String(response.status));
      Object.assign(matches, (await response.json()).matches);
    }
    return matches;
  }

  function initBulk(root) {
    const form = root.querySelector("form");
    const names = root.dataset.formFields.split(" ");
    const targetField = root.dataset.targetField;
    const productField = root.dataset.productField;
    const formFields = () => {
      const data = new FormData(form);
      const fields = {};
      for (const name of names) {
        if (data.has(name)) fields[name] = data.get(name);
      }
      return fields;
    };
    const queue = new Queue(root, { fields: formFields, onIdle: () => showSummary(root, queue) });
    const label = (product) => product ? (product.sku ? product.sku + " · " : "") + product.name : "";
    form.querySelector("[data-nojs-submit]").hidden = true;
    root.querySelector("[data-nojs-note]").hidden = true;
    form.addEventListener("submit", (e) => e.preventDefault());

    takeFiles(root.querySelector("[data-drop]"), form.querySelector("input[type=file]"), async (files) => {
      const fields = formFields();
      root.querySelector("[data-summary]").hidden = true;
      let matches = {};
      const oneProduct = fields[targetField] === root.dataset.oneProduct;
      if (!oneProduct) {
        try { matches = await matchNames(root, files.map((f) => f.name)); }
        catch (error) { matches = null; }
      } else if (!fields[productField]) {
        root.querySelector("[data-choose-product]").hidden = false;
        return;
      }
      root.querySelector("[data-choose-product]").hidden = true;
      const chosen = form.elements.namedItem(productField);
      for (const file of files) {
        const product = oneProduct
          ? { name: chosen.options[chosen.selectedIndex].text, sku: "" }
          : matches && matches[file.name];
        const item = queue.add(file, { product });
        fill(item.node, { product: label(product) });
        if (matches && !product && !oneProduct) {
          queue.finish(item, "unmatched", text(root, "NoMatch"));
        }
      }
      queue.start();
    });
  }

  /* A file dropped next to a zone must not replace the page with the file. */
  function guardPage() {
    for (const type of ["dragover", "drop"]) {
      window.addEventListener(type, (event) => {
        const target = event.target;
        if (!(target instanceof HTMLInputElement && target.type === "file")) event.preventDefault();
      });
    }
  }

  function init() {
    const inlines = document.querySelectorAll("[data-mediadmin-uploader]");
    const pages = document.querySelectorAll("[data-mediadmin-bulk]");
    for (const root of inlines) initInline(root);
    for (const root of pages) initBulk(root);
    if (inlines.length || pages.length) guardPage();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
