"""Bulk upload in a real Chromium: drop zones on the change form, the bulk page and its summary."""
import csv

import pytest

from mediadmin.models import ProductDocument, ProductImage

from .. import factories
from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)

DROP_FILES_JS = """([selector, files]) => {
  const dt = new DataTransfer();
  for (const f of files) dt.items.add(new File([f.body], f.name, {type: f.type}));
  const zone = document.querySelector(selector);
  zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true, cancelable: true}));
  zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
}"""


def _documents(count):
    return [{"name": f"spec-{i:02d}.pdf", "type": "application/pdf",
             "body": f"%PDF-1.4\n% spec sheet number {i}\n%%EOF\n"} for i in range(count)]


def test_drop_30_files_on_the_documents_inline(staff_page, live_server, files_in, screenshot):
    product = factories.product("Drop Lamp", sku="DL-1")
    page = staff_page
    page.goto(f"{live_server.url}/admin/mediadmin/product/{product.pk}/change/")
    files = _documents(28)
    files.insert(5, {"name": "evil.pdf", "type": "application/pdf", "body": "<html><script>x</script>"})
    files.insert(20, {"name": "empty.txt", "type": "text/plain", "body": ""})
    zone = "[data-mediadmin-uploader][data-inline-prefix=documents]"
    page.evaluate(DROP_FILES_JS, [f"{zone} [data-drop]", files])

    page.wait_for_selector(f"{zone}[data-state=done]")
    assert page.locator(f"{zone} [data-overall] progress").evaluate("p => p.value") == 100
    assert page.locator(f"{zone} .mediadmin-upload-item[data-state=uploaded]").count() == 28
    refused = page.locator(f"{zone} .mediadmin-upload-item[data-state=refused]")
    assert refused.count() == 2
    reasons = {refused.nth(i).locator("[data-slot=name]").inner_text():
               refused.nth(i).locator("[data-status]").inner_text() for i in range(2)}
    assert "evil.pdf is not an allowed document" in reasons["evil.pdf"]
    assert "empty.txt is empty" in reasons["empty.txt"]
    assert refused.first.locator("[data-action=retry]").is_visible()

    rows = page.locator("#documents-group tr.mediadmin-uploaded-row")
    assert rows.count() == 28
    row_text = " ".join(rows.all_inner_texts())
    assert all(f"spec-{i:02d}.pdf" in row_text for i in range(28)) and "evil.pdf" not in row_text
    # each new row has a cell under each of the inline's columns, holding that column's value
    assert rows.first.locator("td").count() == page.locator("#documents-group thead th").count()
    assert rows.first.locator("td.field-size_display").inner_text().endswith("bytes")
    assert rows.first.locator("td.field-content_type").inner_text() == "application/pdf"
    assert rows.first.locator("td.field-visibility select").input_value() == "public"  # an editable row
    assert ProductDocument.objects.filter(product=product).count() == 28
    assert page.locator("#id_documents-INITIAL_FORMS").input_value() == "28"  # stored forms of the formset
    assert len(files_in("documents")) == 28
    page.locator(f"{zone} [data-list]").evaluate("list => list.scrollTop = 100")
    screenshot(page.locator(zone), "bulk-upload-inline")
    screenshot(page.locator("#documents-group"), "bulk-upload-inline-rows")

    # The form still saves normally afterwards, and the uploaded rows are then regular rows.
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    assert page.locator("#documents-group tr.has_original").count() == 28


def test_pick_gallery_images_with_the_file_input_then_keep_a_duplicate(staff_page, live_server, tmp_path):
    product = factories.product("Pick Lamp")
    page = staff_page
    page.goto(f"{live_server.url}/admin/mediadmin/product/{product.pk}/change/")
    zone = page.locator("[data-mediadmin-uploader][data-inline-prefix=images]")
    photo = factories.image_bytes("JPEG", (200, 150), color=(10, 150, 90))
    zone.locator("input[type=file]").set_input_files(files=[
        {"name": "front.jpg", "mimeType": "image/jpeg", "buffer": photo},
        {"name": "side.png", "mimeType": "image/png", "buffer": factories.image_bytes("PNG", (120, 120))},
        {"name": "front-copy.jpg", "mimeType": "image/jpeg", "buffer": photo},
    ])
    page.wait_for_selector("[data-inline-prefix=images][data-state=done]")
    # The two copies travel side by side: whichever arrives second is the duplicate.
    duplicate = zone.locator(".mediadmin-upload-item[data-state=duplicate]")
    assert duplicate.count() == 1
    name = duplicate.locator("[data-slot=name]").inner_text()
    assert name in {"front.jpg", "front-copy.jpg"}
    assert f"{name} is already attached" in duplicate.locator("[data-status]").inner_text()
    assert page.locator("#images-group tr.mediadmin-uploaded-row").count() == 2
    sizes = page.locator("#images-group tr.mediadmin-uploaded-row td.field-dimensions").all_inner_texts()
    assert sorted(sizes) == ["120 × 120", "200 × 150"]
    page.locator("#images-group").screenshot(path=str(tmp_path / "gallery.png"))
    duplicate.locator("[data-action=keep]").click()
    page.wait_for_selector("[data-inline-prefix=images][data-state=done]")
    assert zone.locator(".mediadmin-upload-item[data-state=uploaded]").count() == 3
    assert ProductImage.objects.filter(product=product).count() == 3


def test_bulk_page_matches_skus_and_offers_a_summary(staff_page, live_server, screenshot):
    lamp = factories.product("Desk Lamp", sku="AB-123")
    chair = factories.product("Office Chair", sku="CD-456")
    page = staff_page
    page.goto(f"{live_server.url}/admin/mediadmin/product/")
    page.click("a.mediadmin-bulk-link")
    page.wait_for_url("**/bulk-upload/")
    assert not page.locator("[data-nojs-submit]").is_visible()
    page.locator("#id_files").set_input_files(files=[
        {"name": "AB-123_manual.pdf", "mimeType": "application/pdf", "buffer": factories.pdf_bytes("Manual")},
        {"name": "AB-123_front.jpg", "mimeType": "image/jpeg", "buffer": factories.image_bytes()},
        {"name": "CD-456 sheet.txt", "mimeType": "text/plain", "buffer": b"Seat height 45 cm"},
        {"name": "CD-456_evil.pdf", "mimeType": "application/pdf", "buffer": b"<script>x</script>"},
        {"name": "ZZ-000_orphan.pdf", "mimeType": "application/pdf", "buffer": factories.pdf_bytes("X")},
    ])
    summary = page.locator("[data-summary]")
    summary.wait_for(state="visible")
    assert summary.locator("[data-slot=uploaded]").inner_text() == "3"
    assert summary.locator("[data-slot=refused]").inner_text() == "1"
    assert summary.locator("[data-slot=unmatched]").inner_text() == "1"
    unmatched = page.locator(".mediadmin-upload-item[data-state=unmatched]")
    assert "ZZ-000_orphan.pdf" in unmatched.inner_text()
    manual = page.locator(".mediadmin-upload-item", has_text="AB-123_manual.pdf")
    assert "AB-123 · Desk Lamp" in manual.inner_text()
    assert lamp.documents.count() == 1 and lamp.images.count() == 1 and chair.documents.count() == 1

    with page.expect_download() as download_info:
        summary.locator("[data-csv]").click()
    with open(download_info.value.path(), newline="") as f:
        rows = {r["file"]: r for r in csv.DictReader(f)}
    assert rows["ZZ-000_orphan.pdf"]["status"] == "unmatched"
    evil = rows["CD-456_evil.pdf"]
    assert evil["status"] == "refused" and "CD-456_evil.pdf" in evil["message"]
    assert rows["AB-123_front.jpg"]["product_sku"] == "AB-123"
    page.set_viewport_size({"width": 1280, "height": 1150})
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "bulk-upload")
    page.emulate_media(color_scheme="dark")
    screenshot(page, "bulk-upload-dark")
    page.emulate_media(color_scheme="light")

    # The unmatched file goes to a chosen product on retry.
    page.check("input[name=target][value=product]")
    page.select_option("select[name=product]", label="Office Chair")
    unmatched.locator("[data-action=retry]").click()
    page.wait_for_selector(".mediadmin-upload-item[data-state=uploaded]:has-text('ZZ-000_orphan.pdf')")
    assert chair.documents.count() == 2


def test_bulk_page_without_javascript_uploads_in_one_post(browser, live_server, admin_user):
    lamp = factories.product("Desk Lamp", sku="AB-123")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    login(page, live_server, admin_user)
    page.goto(f"{live_server.url}/admin/mediadmin/product/bulk-upload/")
    assert "at most 100 files" in page.locator("[data-nojs-note]").inner_text()
    page.locator("#id_files").set_input_files(files=[
        {"name": "AB-123_manual.pdf", "mimeType": "application/pdf", "buffer": factories.pdf_bytes("M")},
        {"name": "nobody.pdf", "mimeType": "application/pdf", "buffer": factories.pdf_bytes("N")},
    ])
    page.click("[data-nojs-submit] input[type=submit]")
    summary = page.locator("#bulk-summary")
    assert "nobody.pdf" in summary.locator("tr.mediadmin-outcome-unmatched").inner_text()
    assert "AB-123_manual.pdf" in summary.locator("tr.mediadmin-outcome-uploaded").inner_text()
    assert summary.locator("a[download]").get_attribute("href").startswith("data:text/csv")
    assert lamp.documents.count() == 1
    context.close()


def test_cancel_a_waiting_file(staff_page, live_server):
    product = factories.product("Cancel Lamp")
    page = staff_page
    page.goto(f"{live_server.url}/admin/mediadmin/product/{product.pk}/change/")
    zone = "[data-mediadmin-uploader][data-inline-prefix=documents]"
    # Hold the queue (no upload slot) so every file waits, deterministically.
    page.locator(zone).evaluate("z => z.dataset.concurrency = '0'")
    page.evaluate(DROP_FILES_JS, [f"{zone} [data-drop]", _documents(3)])
    items = page.locator(f"{zone} .mediadmin-upload-item")
    assert items.count() == 3 and items.nth(1).get_attribute("data-state") == "queued"
    page.locator(zone).evaluate("z => z.dataset.concurrency = '3'")
    items.nth(1).locator("[data-action=cancel]").click()
    page.wait_for_selector(f"{zone}[data-state=done]")
    assert [items.nth(i).get_attribute("data-state") for i in range(3)] == ["uploaded", "cancelled", "uploaded"]
    assert sorted(d.original_name for d in product.documents.all()) == ["spec-00.pdf", "spec-02.pdf"]
    items.nth(1).locator("[data-action=retry]").click()
    page.wait_for_selector(f"{zone}[data-state=done] .mediadmin-upload-item:nth-child(2)[data-state=uploaded]")
    assert product.documents.count() == 3
