"""Drop-zone rows rendered by the inline, positions in the order chosen, and "Use as main image"."""
from html.parser import HTMLParser

import pytest
from django.forms import modelform_factory
from django.urls import reverse

from mediadmin import services, upload_kinds
from mediadmin.admin.forms import GalleryRowForm
from mediadmin.models import Product, ProductImage

from . import factories

pytestmark = pytest.mark.django_db


class _Inputs(HTMLParser):
    """Names of the form controls in a piece of HTML, and the classes of its table rows."""

    def __init__(self):
        super().__init__()
        self.names, self.rows, self.values = [], [], {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"input", "select", "textarea"} and attrs.get("name"):
            self.names.append(attrs["name"])
            self.values[attrs["name"]] = attrs.get("value")
        if tag == "tr":
            self.rows.append(attrs.get("class") or "")


def _parse(html):
    parser = _Inputs()
    parser.feed(html)
    return parser


def _upload(client, product, kind, upload, **data):
    url = reverse("admin:mediadmin_product_upload", args=[product.pk, kind])
    return client.post(url, {upload_kinds.FILE_PARAM: upload, **data})


def test_the_upload_answer_carries_the_inline_row_with_its_inputs_and_id(admin_client):
    product = factories.product(with_image=False)
    response = _upload(admin_client, product, "images", factories.image_upload("g.png", "PNG", (40, 30)))
    assert response.status_code == 201
    image = product.images.get()
    parsed = _parse(response.json()["row_html"])
    assert any("has_original" in row for row in parsed.rows)  # a stored row, as after a reload
    # Form 0 of the inline: the JS renumbers it; the hidden id makes it an existing object.
    for field in ("id", "alt_text", "decorative", "position", "DELETE"):
        assert f"images-0-{field}" in parsed.names
    assert parsed.values["images-0-id"] == str(image.pk)


def test_a_document_row_has_title_visibility_and_delete(admin_client):
    product = factories.product(with_image=False)
    response = _upload(admin_client, product, "documents", factories.pdf_upload("spec.pdf"))
    names = _parse(response.json()["row_html"]).names
    assert {"documents-0-id", "documents-0-title", "documents-0-visibility", "documents-0-DELETE"} <= set(names)


def test_a_refused_upload_has_no_row(admin_client):
    product = factories.product(with_image=False)
    response = _upload(admin_client, product, "images", factories.pdf_upload("x.jpg"))
    assert response.status_code == 422 and "row_html" not in response.json()


@pytest.mark.parametrize("sent, stored", [("7", 7), ("", 1), ("-1", 1), ("x", 1), ("٣", 1), ("99999999999", 1)])
def test_a_gallery_upload_takes_the_position_the_drop_zone_chose(admin_client, sent, stored):
    product = factories.product(with_image=False)
    factories.gallery_image(product, position=0)
    response = _upload(admin_client, product, "images", factories.image_upload("g.jpg"),
                       **{upload_kinds.POSITION_PARAM: sent})
    assert response.status_code == 201
    assert product.images.order_by("-pk").first().position == stored  # else: after the last one


def test_the_gallery_drop_zone_sends_positions_and_the_documents_one_does_not(admin_client):
    product = factories.product(with_image=False)
    html = admin_client.get(reverse("admin:mediadmin_product_change", args=[product.pk])).content.decode()
    assert html.count(f'data-position-param="{upload_kinds.POSITION_PARAM}"') == 1
    assert 'href="#images-dropzone"' in html and 'id="images-dropzone"' in html
    assert 'href="#documents-dropzone"' in html


def test_a_new_gallery_row_changed_only_in_position_is_still_empty():
    product = factories.product(with_image=False)
    form_class = modelform_factory(ProductImage, form=GalleryRowForm, fields=("image", "alt_text", "position"))
    assert not form_class(data={"position": "5"}, instance=ProductImage(product=product)).has_changed()
    assert form_class(data={"position": "5", "alt_text": "x"}, instance=ProductImage(product=product)).has_changed()
    stored = factories.gallery_image(product, position=0)
    assert form_class(data={"position": "5"}, initial={"position": 0}, instance=stored).has_changed()


def test_gallery_image_make_main_copies_the_file_alt_text_and_mark(files_in, django_capture_on_commit_callbacks):
    product = factories.product(with_image=True)
    old_main = product.image.name
    image = factories.gallery_image(product, position=0, alt_text="Side view", decorative=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.gallery_image_make_main(image=image)
    product = Product.objects.get(pk=product.pk)
    assert product.image.name != image.image.name and product.image.name.startswith("product_images/")
    assert (product.image.width, product.image.height) == (image.width, image.height)
    assert (product.image_alt_text, product.image_decorative) == ("Side view", False)
    assert product.image.name in files_in() and image.image.name in files_in()
    assert old_main not in files_in()  # the replaced main image went, as on any change
    # Each row owns its file: removing the gallery row leaves the main image's file.
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert product.image.name in files_in()


def test_use_as_main_image_from_the_change_form(admin_client, django_capture_on_commit_callbacks):
    product = factories.product(with_image=False, name="Main Lamp")
    image = factories.gallery_image(product, position=0, alt_text="Front")
    url = reverse("admin:mediadmin_product_change", args=[product.pk])
    page = admin_client.get(url)
    data = _form_data(page.content.decode())
    data[upload_kinds.MAIN_IMAGE_PARAM] = str(image.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data, follow=True)
    assert response.redirect_chain, response.context["adminform"].form.errors if response.context else ""
    assert response.redirect_chain[-1][0] == url
    assert "is now the main image" in response.content.decode()
    assert Product.objects.get(pk=product.pk).image_alt_text == "Front"
    data[upload_kinds.MAIN_IMAGE_PARAM] = "999999"
    response = admin_client.post(url, data, follow=True)
    assert "main image is unchanged" in response.content.decode()


class _FormData(HTMLParser):
    """The values a browser would send for the change form (text inputs, hidden, checked, selects)."""

    def __init__(self):
        super().__init__()
        self.data, self.select = {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "file", "checkbox", "button"}:
            self.data[name] = attrs.get("value") or ""
        elif tag == "input" and name and attrs.get("type") == "checkbox" and "checked" in attrs:
            self.data[name] = "on"
        elif tag == "textarea" and name:
            self.data[name] = ""
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and ("selected" in attrs or self.select not in self.data):
            self.data[self.select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None


def _form_data(html):
    start = html.index('id="product_form"')
    form = html[start:html.index("</form>", start)]
    parser = _FormData()
    parser.feed(form)
    return {k: v for k, v in parser.data.items() if "__prefix__" not in k}


def test_a_user_who_may_only_view_the_gallery_gets_the_form_without_order_tools(client):
    from django.contrib.auth.models import Permission, User

    product = factories.product(with_image=False)
    factories.gallery_image(product, position=0, alt_text="Front")
    user = User.objects.create_user("viewer", password="pw-123-abc", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(
        codename__in=["view_product", "change_product", "view_productimage"]))
    client.force_login(user)
    response = client.get(reverse("admin:mediadmin_product_change", args=[product.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Front" in page and "data-make-main" not in page and "data-drag-handle" not in page


def test_new_gallery_rows_start_after_the_last_position_without_javascript(admin_client):
    product = factories.product(with_image=False)
    for position in (2, 6):
        factories.gallery_image(product, position=position)
    page = admin_client.get(reverse("admin:mediadmin_product_change", args=[product.pk])).content.decode()
    values = _parse(page).values
    assert values["images-2-position"] == "7"  # the extra row
    assert values["images-__prefix__-position"] == "7"  # "Add another"'s template
