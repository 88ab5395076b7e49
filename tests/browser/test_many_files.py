"""5,000 files queued in a real Chromium: the work of one progress event does not grow with the queue.

No timing: the page's own reads are counted. A stand-in XMLHttpRequest (installed before the page's
scripts, so the CSP is untouched) holds every upload open, and the test fires progress and load
events on it; everything else (drop zones, queue, DOM) is the real page.
"""
import pytest

from .. import factories

pytestmark = pytest.mark.django_db(transaction=True)

# Held requests, and counters of the per-file reads an update could make: File.size (the old code
# summed it over every queued file on each progress event) and querySelector* (DOM visits).
HOLD_UPLOADS_JS = """
window.__held = [];
window.__reads = {size: 0, query: 0};
const size = Object.getOwnPropertyDescriptor(Blob.prototype, "size");
Object.defineProperty(Blob.prototype, "size", {get() { window.__reads.size += 1; return size.get.call(this); }});
for (const name of ["querySelector", "querySelectorAll"]) {
  const original = Element.prototype[name];
  Element.prototype[name] = function (...args) { window.__reads.query += 1; return original.apply(this, args); };
}
class HeldRequest extends EventTarget {
  constructor() { super(); this.upload = new EventTarget(); this.response = null; this.status = 0; }
  open(method, url) { this.url = url; }
  setRequestHeader() {}
  send(body) { this.body = body; window.__held.push(this); }
  abort() { this.dispatchEvent(new Event("abort")); }
}
window.XMLHttpRequest = HeldRequest;
"""

QUEUE_FILES_JS = """([prefix, count]) => {
  const dt = new DataTransfer();
  for (let i = 0; i < count; i += 1) dt.items.add(new File(["x".repeat(100)], `f-${i}.jpg`, {type: "image/jpeg"}));
  const zone = document.querySelector(`[data-inline-prefix=${prefix}] [data-drop]`);
  zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
}"""

# One progress event on the first held request of a zone; returns the reads it caused.
PROGRESS_JS = """(prefix) => {
  const xhr = window.__held.find((x) => x.url.endsWith(`/${prefix}/`));
  window.__reads = {size: 0, query: 0};
  xhr.upload.dispatchEvent(new ProgressEvent("progress", {lengthComputable: true, loaded: 50, total: 100}));
  return window.__reads;
}"""

ANSWER_JS = """(prefix) => {
  const xhr = window.__held.find((x) => x.url.endsWith(`/${prefix}/`) && !x.answered);
  xhr.answered = true;
  xhr.status = 422;
  xhr.response = {status: "refused", message: "not this one"};
  xhr.dispatchEvent(new Event("load"));
}"""


def _held(page, prefix):
    return page.evaluate("(p) => window.__held.filter((x) => x.url.endsWith(`/${p}/`)).length", prefix)


def test_a_progress_event_costs_the_same_with_5_or_5000_files_queued(staff_page, live_server):
    product = factories.product("Many Lamp", with_image=False)
    page = staff_page
    page.add_init_script(HOLD_UPLOADS_JS)
    page.goto(f"{live_server.url}/admin/mediadmin/product/{product.pk}/change/")
    page.evaluate(QUEUE_FILES_JS, ["documents", 5])
    page.evaluate(QUEUE_FILES_JS, ["images", 5000])
    images = page.locator("[data-inline-prefix=images]")
    assert images.locator(".mediadmin-upload-item").count() == 5000
    assert _held(page, "images") == 3 and _held(page, "documents") == 3  # data-concurrency

    few, many = page.evaluate(PROGRESS_JS, "documents"), page.evaluate(PROGRESS_JS, "images")
    assert few == many, (few, many)  # no read per queued file
    assert many["size"] <= 4 and many["query"] <= 4
    first = images.locator(".mediadmin-upload-item").first
    assert first.locator("progress").evaluate("p => p.value") == 50
    # 50 of the 5,000 × 100 bytes: the overall bar was kept by the event's delta alone.
    assert images.locator("[data-overall] progress").evaluate("p => p.value") == 0

    page.evaluate(ANSWER_JS, "images")  # one answer frees a slot: the next waiting file goes
    assert first.get_attribute("data-state") == "refused"
    assert _held(page, "images") == 4
    assert "1 of 5000" in images.locator("[data-overall-text]").inner_text()

    last = images.locator(".mediadmin-upload-item").last
    last.locator("[data-action=cancel]").click()  # one delegated listener serves every item
    assert last.get_attribute("data-state") == "cancelled"
    assert "2 of 5000" in images.locator("[data-overall-text]").inner_text()
