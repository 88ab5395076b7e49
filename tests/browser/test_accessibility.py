"""Every page staff and visitors use passes axe-core without serious or critical violations, light and dark."""
import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from mediadmin import services
from mediadmin.models import FileVersion, ProductDocument

from .. import factories
from .axe import describe, violations
from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)

THEMES = ["light", "dark"]


@pytest.fixture
def catalogue(media_root, private_root):
    """A product with a main image, a gallery, documents of both visibilities, and a second product."""
    product = factories.product("Brass lamp", sku="BL-1", image_alt_text="A brass lamp with a green shade")
    for position in range(3):
        factories.gallery_image(product, position=position, alt_text=f"View {position + 1}")
    factories.document(product, "manual.pdf")
    staff_doc = factories.document(product, "price-list.pdf")
    staff_doc.visibility = ProductDocument.Visibility.STAFF
    staff_doc.save()
    factories.product("Copper kettle", sku="CK-2")
    product.image = factories.image_upload("brass-lamp-2.jpg", color=(20, 120, 60))
    services.product_save(product=product)  # the first main image is kept as a version
    return product


def _page(browser, theme):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=theme)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


ADMIN_PAGES = {
    "admin index": lambda product: reverse("admin:index"),
    "product changelist": lambda product: reverse("admin:mediadmin_product_changelist"),
    "product change form": lambda product: reverse("admin:mediadmin_product_change", args=[product.pk]),
    "product add form": lambda product: reverse("admin:mediadmin_product_add"),
    "gallery image changelist": lambda product: reverse("admin:mediadmin_productimage_changelist"),
    "document changelist": lambda product: reverse("admin:mediadmin_productdocument_changelist"),
    "bulk upload": lambda product: reverse("admin:mediadmin_product_bulk_upload"),
    "gallery image change form": lambda product: reverse("admin:mediadmin_productimage_change",
                                                         args=[product.images.first().pk]),
    "delete page": lambda product: reverse("admin:mediadmin_product_delete", args=[product.pk]),
    "history page": lambda product: reverse("admin:mediadmin_product_history", args=[product.pk]),
    "recover deleted products": lambda product: reverse("admin:mediadmin_product_recoverlist"),
    "recent file activity": lambda product: reverse("admin:mediadmin_fileevent_changelist"),
    "version restore confirmation": lambda product: reverse("admin:mediadmin_product_version_restore",
                                                            args=[FileVersion.objects.first().pk]),
    "storage audit": lambda product: reverse("admin:mediadmin_product_audit"),
}
PUBLIC_PAGES = {
    "public list": lambda product: reverse("product_list"),
    "product page": lambda product: product.get_absolute_url(),
    "staff form": lambda product: reverse("product_edit", args=[product.slug]),
}


@pytest.mark.parametrize("theme", THEMES)
def test_admin_pages(browser, live_server, catalogue, theme):
    User.objects.create_superuser("axe", "axe@example.com", "password")
    context, page = _page(browser, theme)
    login(page, live_server, User.objects.get(username="axe"))
    found = {}
    for name, url in {**ADMIN_PAGES, **PUBLIC_PAGES}.items():
        page.goto(live_server.url + url(catalogue))
        if problems := violations(page):
            found[name] = describe(problems)
    context.close()
    assert not found, "\n".join(f"{name} ({theme}):\n{text}" for name, text in found.items())


@pytest.mark.parametrize("theme", THEMES)
def test_public_pages_anonymous(browser, live_server, catalogue, theme):
    context, page = _page(browser, theme)
    found = {}
    for name in ("public list", "product page"):
        page.goto(live_server.url + PUBLIC_PAGES[name](catalogue))
        if problems := violations(page):
            found[name] = describe(problems)
    context.close()
    assert not found, "\n".join(f"{name} ({theme}):\n{text}" for name, text in found.items())


def test_focal_point_restore_and_saved_message_on_a_dark_phone(browser, live_server, catalogue, tmp_path):
    """The pages the image-presentation work touched, at 390 px in the dark theme: axe, and no sideways scroll."""
    User.objects.create_superuser("axe", "axe@example.com", "password")
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark")
    page = context.new_page()
    login(page, live_server, User.objects.get(username="axe"))
    found = {}

    def check(name):
        if problems := violations(page):
            found[name] = describe(problems)
        if (width := page.evaluate("document.documentElement.scrollWidth")) > 390:
            found[name] = f"{found.get(name, '')} scrollWidth {width}"

    page.goto(live_server.url + ADMIN_PAGES["product change form"](catalogue))
    (tmp_path / "new.jpg").write_bytes(factories.image_bytes("JPEG", (1200, 800)))
    page.set_input_files("#id_image", str(tmp_path / "new.jpg"))  # the new file's preview and its caption
    page.locator("div.form-row.field-image .mediadmin-new-preview img").wait_for(state="visible")
    check("change form with a new file chosen")
    for name in ("version restore confirmation", "admin index"):
        page.goto(live_server.url + ADMIN_PAGES[name](catalogue))
        check(name)
    page.goto(live_server.url + PUBLIC_PAGES["staff form"](catalogue))
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + catalogue.get_absolute_url())
    assert page.locator(".messages .success").is_visible()
    check("product page with the saved message")
    context.close()
    assert not found, "\n".join(f"{name}: {text}" for name, text in found.items())
