"""Delete a product in a real Chromium, recover it from "Recover deleted products": the public page
shows its image and gallery again; its History page lists the file events; screenshots."""
import hashlib

import pytest

from mediadmin.models import Product

from .. import factories
from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def test_delete_then_recover_a_product_in_the_browser(page, live_server, admin_user, media_root, screenshot):
    product = factories.product("Desk Lamp", sku="DL-1")
    factories.gallery_image(product, alt_text="Lamp from the side")
    digest = hashlib.sha256((media_root / product.image.name).read_bytes()).hexdigest()
    login(page, live_server, admin_user)
    page.goto(f"{live_server.url}/admin/mediadmin/product/{product.pk}/delete/")
    page.click("input[type=submit]")
    page.wait_for_load_state("networkidle")
    assert not Product.objects.exists() and not (media_root / product.image.name).exists()

    page.goto(f"{live_server.url}/admin/mediadmin/product/")
    page.click("a.recoverlink")
    page.wait_for_load_state("networkidle")
    assert "Desk Lamp" in page.content()
    screenshot(page, "recover-list")
    page.click("#content-main table a[href*=\"/recover/\"]")
    page.wait_for_load_state("networkidle")
    page.click("input[type=submit][name=_save]")
    page.wait_for_load_state("networkidle")
    assert "Recovered" in page.content()
    recovered = Product.objects.get(pk=product.pk)
    assert hashlib.sha256((media_root / recovered.image.name).read_bytes()).hexdigest() == digest

    page.goto(f"{live_server.url}{recovered.get_absolute_url()}")
    images = page.locator("img")
    assert images.count() >= 2
    assert all(page.evaluate("(img) => img.naturalWidth", images.nth(i).element_handle()) > 0
               for i in range(images.count()))
    page.goto(f"{live_server.url}/admin/mediadmin/product/{product.pk}/history/")
    history = page.locator("#file-history").inner_text()
    assert "Delete" in history and "Recover" in history and admin_user.username in history
    assert "Recovered with its files" in page.locator("#change-history").inner_text()
    screenshot(page, "file-history")
