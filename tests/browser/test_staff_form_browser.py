"""The staff form on a phone: a preview of the chosen image, no sideways scrolling, a saved product."""
import pytest

from mediadmin.models import Product

from .. import factories
from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_staff_form_on_a_phone(browser, live_server, admin_user, media_root, screenshot, tmp_path, scheme):
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme, is_mobile=True)
    page = context.new_page()
    login(page, live_server, admin_user)
    page.goto(f"{live_server.url}/products/new/")
    photo = tmp_path / "kettle.jpg"
    photo.write_bytes(factories.image_bytes(size=(800, 600)))
    page.fill("#id_name", "Copper kettle")
    page.fill("#id_sku", "CK-2")
    page.fill("#id_image_alt_text", "A copper kettle on a stove")
    page.set_input_files("#id_image", str(photo))
    preview = page.locator(".mediadmin-new-preview img")
    preview.wait_for(state="visible")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "staff-form-phone" + ("" if scheme == "light" else "-dark"))
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/products/copper-kettle/")
    product = Product.objects.get()
    assert (product.sku, product.image_alt_text) == ("CK-2", "A copper kettle on a stove") and product.image
    context.close()
