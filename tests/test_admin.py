"""The admin: every page opens, products with files are added, changed and listed."""
import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from mediadmin.models import FileEvent, Product, ProductDocument, ProductImage

from . import factories

pytestmark = pytest.mark.django_db

REGISTERED = [model for model in admin.site._registry]


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def one_of_each():
    """A product with a gallery image and a document, so change pages have something to show."""
    product = factories.product("Lamp", sku="LP-1")
    factories.gallery_image(product)
    factories.document(product)
    Group.objects.create(name="Editors")
    return product


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_every_admin_changelist_add_and_change_page_opens(admin_client, one_of_each, model):
    assert admin_client.get(_url(model, "changelist")).status_code == 200
    # The file history is written by the services only: its add page is refused, even to superusers.
    assert admin_client.get(_url(model, "add")).status_code == (403 if model is FileEvent else 200)
    obj = model._default_manager.first()
    assert admin_client.get(_url(model, "change", obj.pk)).status_code == 200


def _inline_management(prefix, total, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def _add_product_data(**overrides):
    data = {
        "name": "Desk Lamp", "slug": "desk-lamp", "sku": "DL-1", "description": "Bright.",
        "image": factories.image_upload("lamp.jpg", size=(1200, 800)),
        "document": factories.pdf_upload("care.pdf"),
        **_inline_management("images", 2), **_inline_management("documents", 1),
        "images-0-image": factories.image_upload("side.png", "PNG", size=(300, 500)),
        "images-0-alt_text": "Side view", "images-0-position": "2",
        "images-1-image": factories.image_upload("front.jpg", size=(400, 400)),
        "images-1-alt_text": "Front view", "images-1-position": "1",
        "documents-0-file": factories.pdf_upload("manual.pdf"), "documents-0-title": "",
        "documents-0-visibility": "public",
        "_save": "Save",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db(transaction=True)
def test_add_product_with_image_gallery_and_documents(admin_client, admin_user, files_in):
    response = admin_client.post(_url(Product, "add"), _add_product_data())
    assert response.status_code == 302, response.context["adminform"].form.errors
    product = Product.objects.get(slug="desk-lamp")
    assert product.image.name.startswith("product_images/")
    assert product.document.name.startswith("product_docs/")
    gallery = list(product.images.all())
    assert [img.alt_text for img in gallery] == ["Front view", "Side view"]  # ordered by position
    assert (gallery[1].width, gallery[1].height) == (300, 500)
    assert all(img.image.name.startswith("product_gallery/") for img in gallery)
    doc = product.documents.get()
    assert doc.file.name.startswith("documents/")
    assert (doc.original_name, doc.content_type, doc.title) == ("manual.pdf", "application/pdf", "manual")
    assert doc.size == doc.file.size and len(doc.sha256) == 64
    assert doc.uploaded_by == admin_user
    # Thumbnails are made after commit, in sorl's cache folder.
    assert files_in("cache")


def test_server_computes_document_metadata_ignoring_the_browser(admin_client, one_of_each):
    data = _add_product_data(name="Other", slug="other", sku="OT-1")
    data["documents-0-file"].content_type = "text/html"  # the browser's claim
    admin_client.post(_url(Product, "add"), data)
    doc = ProductDocument.objects.get(product__slug="other")
    assert doc.content_type == "application/pdf"


def test_changelist_shows_thumbnails_counts_search_and_filters(admin_client, one_of_each):
    factories.product("No Image", sku="NI-1", with_image=False)
    url = _url(Product, "changelist")
    page = admin_client.get(url).content.decode()
    assert page.count('class="mediadmin-thumb') == 2
    assert "/media/cache/" in page and "mediadmin/img/placeholder.svg" in page
    assert admin_client.get(url, {"q": "LP-1"}).context["cl"].result_count == 1
    assert admin_client.get(url, {"has_image": "no"}).context["cl"].result_count == 1
    assert admin_client.get(url, {"has_documents": "yes"}).context["cl"].result_count == 1
    lamp = admin_client.get(url, {"q": "Lamp"}).context["cl"].result_list[0]
    assert (lamp.image_count, lamp.document_count) == (1, 1)


def test_change_form_shows_large_preview_inline_thumbnails_and_document_info(admin_client, one_of_each):
    page = admin_client.get(_url(Product, "change", one_of_each.pk)).content.decode()
    assert "mediadmin-size-admin_preview" in page
    assert "mediadmin-size-admin_inline" in page
    assert "data-mediadmin-preview" in page and "mediadmin/js/image-preview.js" in page
    doc = one_of_each.documents.get()
    assert doc.file.url in page and "manual.pdf" in page and "application/pdf" in page


def test_broken_image_shows_placeholder_not_500(admin_client, one_of_each, media_root, caplog):
    Product.objects.update(image="product_images/missing.jpg")
    gallery = ProductImage.objects.get()
    gallery.image.name = "product_gallery/corrupt.png"
    (media_root / "product_gallery" / "corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    ProductImage.objects.update(image=gallery.image.name)
    for url in (_url(Product, "changelist"), _url(Product, "change", one_of_each.pk),
                _url(ProductImage, "changelist"), reverse("product_detail", args=[one_of_each.slug]),
                reverse("product_list")):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert "mediadmin/img/placeholder.svg" in response.content.decode(), url
    assert "could not be made" in caplog.text


def test_duplicate_sku_is_a_form_error(admin_client, one_of_each):
    response = admin_client.post(_url(Product, "add"), _add_product_data(sku="LP-1"))
    assert response.status_code == 200
    assert "A product with this SKU already exists." in response.content.decode()
    assert not Product.objects.filter(slug="desk-lamp").exists()


def test_invalid_files_are_form_errors_and_nothing_is_stored(admin_client, files_in):
    data = _add_product_data()
    data["image"] = factories.SimpleUploadedFile("lamp.jpg", b"<html>not an image</html>")
    data["documents-0-file"] = factories.SimpleUploadedFile("manual.pdf", b"MZ\x90\x00 executable")
    response = admin_client.post(_url(Product, "add"), data)
    assert response.status_code == 200
    assert not Product.objects.exists()
    assert files_in() == []
    page = response.content.decode()
    assert "manual.pdf is not an allowed document" in page


@pytest.mark.django_db(transaction=True)
def test_regenerate_thumbnails_action(admin_client, files_in):
    product = factories.product("Vase")
    factories.gallery_image(product)
    response = admin_client.post(_url(Product, "changelist"), {
        "action": "regenerate_thumbnails", "_selected_action": [product.pk]}, follow=True)
    assert "Regenerated the thumbnails of 2 images." in response.content.decode()
    assert len(files_in("cache")) >= 2


@pytest.mark.django_db(transaction=True)
def test_regenerate_action_with_a_worker_queues_instead_of_making(admin_client, files_in, settings):
    """With a worker's backend the request only queues the work (hundreds of products never time out)."""
    product = factories.product("Vase")
    factories.gallery_image(product)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    cached_before = len(files_in("cache"))
    response = admin_client.post(_url(Product, "changelist"), {
        "action": "regenerate_thumbnails", "_selected_action": [product.pk]}, follow=True)
    page = response.content.decode()
    assert "Queued the thumbnails of 2 images" in page and "Regenerated" not in page
    assert [r.args[3] for r in default_task_backend.results] == [product.image.name,
                                                                 product.images.get().image.name]
    assert len(files_in("cache")) < cached_before  # the old ones are dropped; the worker makes new ones


@pytest.mark.django_db(transaction=True)
def test_regenerate_action_reports_images_it_could_not_make(admin_client, media_root):
    product = factories.product("Vase")
    (media_root / product.image.name).unlink()
    response = admin_client.post(_url(Product, "changelist"), {
        "action": "regenerate_thumbnails", "_selected_action": [product.pk]}, follow=True)
    assert response.status_code == 200
    assert "The thumbnails of 1 image could not be made" in response.content.decode()


class _FormFields(__import__("html.parser").parser.HTMLParser):
    """The fields a browser submits with the change form (inputs, checked boxes, selects, textareas)."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("file", "submit", "button"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.data.append((name, a.get("value", "on" if a.get("type") == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = [name, None, None]
        elif tag == "option" and self._select is not None:
            if self._select[2] is None:
                self._select[2] = a.get("value", "")
            if "selected" in a:
                self._select[1] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            name, chosen, first = self._select
            self.data.append((name, chosen if chosen is not None else first or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.data.append(tuple(self._textarea))
            self._textarea = None


@pytest.mark.django_db
def test_a_product_with_hundreds_of_files_can_still_be_saved(admin_client):
    """Bulk upload can attach hundreds of files; the change form sends every inline row's fields
    and must not hit Django's default of 1,000 fields per request."""
    product = factories.product("Big", with_image=False)
    ProductDocument.objects.bulk_create([
        ProductDocument(product=product, title=f"Doc {i}", file=f"documents/d{i}.pdf", original_name=f"d{i}.pdf",
                        size=10, content_type="application/pdf") for i in range(300)])
    page = admin_client.get(_url(Product, "change", product.pk))
    form = _FormFields()
    form.feed(page.content.decode())
    fields = [(k, v) for k, v in form.data if k not in ("_saveasnew", "_addanother")]
    assert len(fields) > 1000
    data = {}
    for key, value in fields:
        data.setdefault(key, []).append(value)
    data["name"] = ["Big, renamed"]
    response = admin_client.post(_url(Product, "change", product.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    product.refresh_from_db()
    assert product.name == "Big, renamed" and product.documents.count() == 300


@pytest.mark.django_db
def test_a_form_over_the_field_limit_gets_a_page_saying_which_limit(admin_client, settings):
    product = factories.product("Limited", with_image=False)
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = admin_client.post(_url(Product, "change", product.pk), {f"f{i}": "x" for i in range(10)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "more than 5 fields" in page and "DJANGO_DATA_UPLOAD_MAX_NUMBER_FIELDS" in page
    product.refresh_from_db()
    assert product.name == "Limited"
