"""Staff work in a real Chromium: add a product with a preview, see its thumbnail, delete it."""
import pytest
from django.core.management import call_command

from mediadmin.models import Product

from .. import factories
from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def _image_is_loaded(locator):
    return locator.evaluate("img => img.complete && img.naturalWidth > 0")


def test_add_product_with_preview_then_thumbnail_then_delete(staff_page, live_server, media_root,
                                                             screenshot):
    page = staff_page
    page.goto(f"{live_server.url}/admin/mediadmin/product/add/")
    page.fill("#id_name", "Browser Lamp")
    page.fill("#id_sku", "BR-1")
    page.set_input_files("#id_image", files=[{
        "name": "lamp.jpg", "mimeType": "image/jpeg",
        "buffer": factories.image_bytes("JPEG", (900, 600), color=(30, 120, 200))}])
    preview = page.locator("div.form-row.field-image .mediadmin-new-preview img")
    preview.wait_for(state="visible")
    assert preview.get_attribute("src").startswith("blob:")
    assert _image_is_loaded(preview)
    caption = page.locator("div.form-row.field-image .mediadmin-new-preview figcaption").inner_text()
    assert caption.startswith("Not saved yet")

    page.click("input[name=_save]")
    page.wait_for_url(f"{live_server.url}/admin/mediadmin/product/")
    product = Product.objects.get(sku="BR-1")
    assert (media_root / product.image.name).is_file()
    row = page.locator("#result_list tbody tr", has_text="Browser Lamp")
    thumb = row.locator("img.mediadmin-thumb")
    assert "/media/cache/" in thumb.get_attribute("src")
    page.wait_for_function("img => img.complete && img.naturalWidth === 64", arg=thumb.element_handle())

    page.goto(f"{live_server.url}/admin/mediadmin/product/{product.pk}/delete/")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/mediadmin/product/")
    assert not Product.objects.exists()
    assert not (media_root / product.image.name).exists()


def test_gallery_row_added_in_the_browser_previews_before_saving(staff_page, live_server):
    product = factories.product("Gallery Lamp")
    page = staff_page
    page.goto(f"{live_server.url}/admin/mediadmin/product/{product.pk}/change/")
    page.click("#images-group .add-row a")
    row_input = page.locator("#images-group input[type=file][name='images-1-image']")
    row_input.set_input_files(files=[{"name": "g.png", "mimeType": "image/png",
                                      "buffer": factories.image_bytes("PNG", (300, 300))}])
    preview = page.locator("#images-1 .mediadmin-new-preview img")
    preview.wait_for(state="visible")
    assert _image_is_loaded(preview)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_of_changelist_and_change_form(browser, live_server, admin_user, screenshot, scheme):
    call_command("load_demo", products=8, verbosity=0)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    login(page, live_server, admin_user)
    page.goto(f"{live_server.url}/admin/mediadmin/product/")
    page.wait_for_load_state("networkidle")
    thumbs = page.locator("img.mediadmin-thumb")
    assert thumbs.count() == 8
    assert all(_image_is_loaded(thumbs.nth(i)) for i in range(8))
    suffix = "" if scheme == "light" else "-dark"
    screenshot(page, f"changelist{suffix}")
    product = Product.objects.order_by("name").first()
    page.goto(f"{live_server.url}/admin/mediadmin/product/{product.pk}/change/")
    page.wait_for_load_state("networkidle")
    assert _image_is_loaded(page.locator("div.form-row.field-image .mediadmin-current img"))
    page.set_viewport_size({"width": 1280, "height": 1500})
    screenshot(page, f"change-form{suffix}")
    context.close()
