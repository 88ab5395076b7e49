"""Drop-zone rows are real formset rows: editable, saved by Save, kept on a failed save; gallery order."""
import pytest

from mediadmin.models import Product, ProductImage

from .. import factories
from .axe import describe, violations

pytestmark = pytest.mark.django_db(transaction=True)

GALLERY = "[data-mediadmin-uploader][data-inline-prefix=images]"
DOCUMENTS = "[data-mediadmin-uploader][data-inline-prefix=documents]"
# Chosen in this order; the first is the largest, so it is not the first to arrive.
CHOSEN = [("wide.png", (900, 700)), ("middle.png", (300, 200)), ("small.png", (60, 40))]


def _dims(size):
    return f"{size[0]} × {size[1]}"


def _change_url(live_server, product):
    return f"{live_server.url}/admin/mediadmin/product/{product.pk}/change/"


def _choose_images(page, chosen=CHOSEN):
    page.locator(f"{GALLERY} input[type=file]").set_input_files(files=[
        {"name": name, "mimeType": "image/png", "buffer": factories.image_bytes("PNG", size)}
        for name, size in chosen])
    page.wait_for_selector(f"{GALLERY}[data-state=done]")


def _gallery_dims(page):
    return page.locator("#images-group tr.has_original td.field-dimensions").all_inner_texts()


def _stored_dims(product):
    return [_dims((i.width, i.height)) for i in ProductImage.objects.filter(product=product)]


def _save(page):
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")


def test_dropped_images_are_editable_rows_in_the_order_chosen_and_save_saves_them(staff_page, live_server):
    product = factories.product("Row Lamp", with_image=False)
    factories.gallery_image(product, position=4, alt_text="Existing")
    page = staff_page
    page.goto(_change_url(live_server, product))
    _choose_images(page)

    rows = page.locator("#images-group tr.mediadmin-uploaded-row")
    assert rows.count() == 3
    # Positions follow the order of choice, after the stored image (4), on the page and stored.
    assert _gallery_dims(page)[1:] == [_dims(s) for _, s in CHOSEN]
    assert _stored_dims(product)[1:] == [_dims(s) for _, s in CHOSEN]
    assert [i.position for i in ProductImage.objects.filter(product=product)] == [4, 5, 6, 7]
    assert page.locator("#id_images-INITIAL_FORMS").input_value() == "4"
    assert page.locator("#id_images-TOTAL_FORMS").input_value() == "5"  # and the extra row
    # The extra row moved below the new rows and takes the next position.
    extra = page.locator("#images-group tr.form-row:not(.has_original):not(.empty-form)")
    assert extra.locator("[data-mediadmin-order] input").input_value() == "8"

    # Usable from the keyboard: Tab from the first new row's alt text reaches its decorative box.
    rows.nth(0).locator("td.field-alt_text input").fill("Front view")
    rows.nth(1).locator("td.field-alt_text input").fill("Side view")
    rows.nth(2).locator("td.field-alt_text input").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert rows.nth(2).locator("td.field-decorative input").is_checked()
    _save(page)
    stored = list(ProductImage.objects.filter(product=product))
    assert [(i.alt_text, i.decorative) for i in stored] == [
        ("Existing", False), ("Front view", False), ("Side view", False), ("", True)]
    assert ProductImage.objects.filter(product=product).count() == 4  # the extra row stayed empty


def test_dropped_rows_stay_on_the_page_when_the_save_fails(staff_page, live_server):
    product = factories.product("Keep Lamp", with_image=False)
    page = staff_page
    page.goto(_change_url(live_server, product))
    page.evaluate("""([selector, body]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([body], "spec.pdf", {type: "application/pdf"}));
      const zone = document.querySelector(selector);
      zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
    }""", [f"{DOCUMENTS} [data-drop]", "%PDF-1.4\n% spec\n%%EOF\n"])
    page.wait_for_selector(f"{DOCUMENTS}[data-state=done]")
    row = page.locator("#documents-group tr.mediadmin-uploaded-row")
    row.locator("td.field-title input").fill("Data sheet")
    row.locator("td.field-visibility select").select_option("staff")
    page.fill("#id_name", "")
    page.click("input[name=_continue]")
    page.wait_for_selector(".errornote")
    # Rendered again by Django as a stored row, with the edits still in it.
    kept = page.locator("#documents-group tr.has_original")
    assert kept.count() == 1
    assert kept.locator("td.field-title input").input_value() == "Data sheet"
    page.fill("#id_name", "Keep Lamp")
    _save(page)
    document = product.documents.get()
    assert (document.title, document.visibility) == ("Data sheet", "staff")


def test_reorder_by_keyboard_and_by_dragging_then_use_as_main_image(staff_page, live_server, files_in):
    product = factories.product("Order Lamp", with_image=False)
    page = staff_page
    page.goto(_change_url(live_server, product))
    _choose_images(page)
    wide, middle, small = (_dims(s) for _, s in CHOSEN)
    page.set_viewport_size({"width": 1280, "height": 1600})  # source and target in view: no scroll mid-drag
    page.reload()

    # Keyboard: the first row's "move down" button, pressed with Enter, keeps the focus.
    down = page.locator("#images-group tr.has_original").nth(0).locator("[data-move=down]")
    assert down.get_attribute("aria-label").startswith("Move ")
    down.focus()
    page.keyboard.press("Enter")
    assert _gallery_dims(page) == [middle, wide, small]
    assert page.evaluate("document.activeElement.dataset.move") == "down"
    moved = page.locator("#images-group tr.has_original").nth(1).locator("[data-order-status]")
    assert moved.text_content() == "Now 2 of 3; Save to keep the order."
    # Drag: the last row by its handle onto the top of the first row.
    handles = page.locator("#images-group tr.has_original [data-drag-handle]")
    handles.nth(2).drag_to(page.locator("#images-group tr.has_original").nth(0), target_position={"x": 5, "y": 3})
    assert _gallery_dims(page) == [small, middle, wide]
    _save(page)
    assert _stored_dims(product) == [small, middle, wide]
    assert _gallery_dims(page) == [small, middle, wide]

    # "Use as main image" on the middle row: saved, and the product's main image is a copy.
    row = page.locator("#images-group tr.has_original").nth(1)
    row.locator("td.field-alt_text input").fill("Middle view")
    row.locator("[data-make-main]").click()
    page.wait_for_selector(".messagelist .success")
    product = Product.objects.get(pk=product.pk)
    source = ProductImage.objects.get(product=product, alt_text="Middle view")
    assert product.image and product.image.name != source.image.name
    assert (product.image.width, product.image.height) == (300, 200)
    assert product.image_alt_text == "Middle view"
    assert {product.image.name, source.image.name} <= set(files_in())


@pytest.mark.parametrize("path", ["change", "bulk"])
def test_a_phone_has_no_page_wide_horizontal_scroll(staff_page, live_server, path):
    product = factories.product("Phone Lamp", sku="PL-1", with_image=False)
    page = staff_page
    page.set_viewport_size({"width": 390, "height": 844})
    url = _change_url(live_server, product) if path == "change" else \
        f"{live_server.url}/admin/mediadmin/product/bulk-upload/"
    page.goto(url)
    if path == "change":
        _choose_images(page, [("a-rather-long-file-name-for-a-phone-screen.png", (80, 60))])
    else:
        page.locator("#id_files").set_input_files(files=[
            {"name": "PL-1_a-rather-long-file-name-for-a-phone-screen.pdf", "mimeType": "application/pdf",
             "buffer": b"not a pdf at all"}])
        page.wait_for_selector(".mediadmin-upload-item[data-state=refused]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The file's name is readable (not one character per line) and its button is on screen.
    item = page.locator(".mediadmin-upload-item").first
    name_box = item.locator("[data-slot=name]").bounding_box()
    assert name_box["width"] > 150
    if path == "bulk":
        button = item.locator("[data-action]:visible").first
        assert button.get_attribute("aria-label").endswith("a-rather-long-file-name-for-a-phone-screen.pdf")
    else:  # the new row stacked as a card: its inputs and buttons on screen, under their column's name
        row = page.locator("#images-group tr.mediadmin-uploaded-row")
        button = row.locator("[data-make-main]")
        alt_text = row.locator("td.field-alt_text")
        assert alt_text.get_attribute("data-label") == "Alt text"
        alt_box = alt_text.locator("input").bounding_box()
        assert alt_box["x"] >= 0 and alt_box["x"] + alt_box["width"] <= 390
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390


def test_the_documents_inline_fits_a_1280_window(staff_page, live_server):
    product = factories.product("Wide Lamp", with_image=False)
    factories.document(product)
    page = staff_page
    page.goto(_change_url(live_server, product))
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    group = page.locator("#documents-group").bounding_box()
    assert group["x"] + group["width"] <= 1280


def test_a_skip_link_reaches_the_drop_zones(staff_page, live_server):
    product = factories.product("Skip Lamp", with_image=False)
    page = staff_page
    page.goto(_change_url(live_server, product))
    link = page.locator("a.mediadmin-skip-link[href='#images-dropzone']")
    link.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "images-dropzone"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "images-bulk-files"


def test_add_another_takes_the_next_position(staff_page, live_server):
    product = factories.product("Next Lamp", with_image=False)
    for position in (0, 3):
        factories.gallery_image(product, position=position)
    page = staff_page
    page.goto(_change_url(live_server, product))
    new_rows = "#images-group tr.form-row:not(.has_original):not(.empty-form) [data-mediadmin-order] input"
    assert page.locator(new_rows).first.input_value() == "4"  # the extra row
    page.click("#images-group .add-row a")
    assert page.locator(new_rows).all() and [i.input_value() for i in page.locator(new_rows).all()] == ["4", "5"]
    _save(page)  # rows changed only in position are still empty rows: nothing refused, nothing added
    assert product.images.count() == 2


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
def test_inserted_rows_and_upload_lists_pass_axe(staff_page, live_server, theme, width):
    product = factories.product("Axe Lamp", with_image=False)
    page = staff_page
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=theme)
    page.goto(_change_url(live_server, product))
    _choose_images(page, CHOSEN[:2] + [("broken.png", (10, 10))])
    page.locator(f"{GALLERY} input[type=file]").set_input_files(files=[
        {"name": "not-an-image.png", "mimeType": "image/png", "buffer": b"plain text"}])
    page.wait_for_selector(f"{GALLERY}[data-state=done] .mediadmin-upload-item[data-state=refused]")
    retry = page.locator(f"{GALLERY} .mediadmin-upload-item[data-state=refused] [data-action=retry]")
    assert retry.get_attribute("aria-label") == "Retry not-an-image.png"
    problems = violations(page)
    assert not problems, describe(problems)


def test_the_delete_box_of_a_dropped_row_deletes_it_on_save(staff_page, live_server):
    product = factories.product("Delete Lamp", with_image=False)
    page = staff_page
    page.goto(_change_url(live_server, product))
    _choose_images(page, CHOSEN[1:])
    rows = page.locator("#images-group tr.mediadmin-uploaded-row")
    rows.nth(0).locator("td.delete input[type=checkbox]").check()
    _save(page)
    assert [_dims((i.width, i.height)) for i in product.images.all()] == [_dims(CHOSEN[2][1])]
