"""Versions in a real Chromium: replace the main image on the change form, see the previous version
with its thumbnail, open Restore, confirm, and get the first file back byte for byte; screenshots."""
import pytest
from django.core.files.storage import default_storage

from mediadmin.models import FileVersion, Product

from .. import factories
from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def _bytes(name):
    with default_storage.open(name, "rb") as fh:
        return fh.read()


def test_replace_then_restore_from_the_change_form(browser, live_server, admin_user, screenshot, tmp_path):
    product = factories.product("Reading Lamp", document=factories.pdf_upload("care.pdf", "Care"))
    first = _bytes(product.image.name)
    replacement = tmp_path / "lamp-v2.png"
    replacement.write_bytes(factories.image_bytes("PNG", (500, 400), color=(30, 120, 200)))
    context = browser.new_context(viewport={"width": 1280, "height": 1100})
    page = context.new_page()
    login(page, live_server, admin_user)
    page.goto(f"{live_server.url}/admin/mediadmin/product/{product.pk}/change/")
    page.set_input_files("#id_image", str(replacement))
    page.click("input[name=_continue]")
    page.wait_for_load_state("networkidle")
    version = FileVersion.objects.get()
    versions = page.locator(".field-image_versions")
    assert versions.locator(".mediadmin-version-name").inner_text() == version.original_name
    thumb = versions.locator("img.mediadmin-version-thumb")
    assert thumb.evaluate("img => img.complete && img.naturalWidth > 0")  # served to staff, not /media/
    page.locator("fieldset:has(.field-image_versions)").scroll_into_view_if_needed()
    screenshot(page.locator("fieldset:has(.field-image_versions)"), "versions")

    versions.locator("a.mediadmin-version-restore").click()
    page.wait_for_load_state("networkidle")
    assert "Restore a previous version" in page.title()
    assert FileVersion.objects.get().pk == version.pk  # the GET changed nothing
    screenshot(page, "version-restore")
    page.click("input[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "kept as a version" in page.locator(".messagelist").inner_text()
    product = Product.objects.get(pk=product.pk)
    assert _bytes(product.image.name) == first
    [kept] = FileVersion.objects.all()
    assert kept.original_name != version.original_name and kept.replaced_by == admin_user
    assert page.locator(".field-image_versions .mediadmin-version").count() == 1
    context.close()
