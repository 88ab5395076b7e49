"""The public site and the staff product form."""
import pytest
from django.urls import reverse

from mediadmin.models import Product

from . import factories

pytestmark = pytest.mark.django_db


def test_product_list_shows_thumbnails_and_site_css(client):
    product = factories.product("Kettle")
    factories.product("Bare", with_image=False)
    page = client.get(reverse("product_list")).content.decode()
    assert "mediadmin/css/site.css" in page
    assert "/media/cache/" in page  # sorl's {% thumbnail %}
    assert "placeholder.svg" in page  # the product without an image
    assert product.get_absolute_url() in page


def test_product_page_shows_image_gallery_and_documents(client):
    product = factories.product("Kettle", document=factories.pdf_upload("care.pdf"))
    factories.gallery_image(product, alt_text="Spout")
    doc = factories.document(product, "manual.pdf")
    response = client.get(product.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert product.image.url in page and 'alt="Spout"' in page
    assert doc.file.url in page and product.document.url in page


def test_media_files_are_served_to_the_test_server(client):
    product = factories.product("Kettle")
    response = client.get(product.image.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_staff_form_refuses_anonymous_users(client):
    response = client.get(reverse("product_create"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = client.post(reverse("product_create"), {"name": "Sneaky"})
    assert response.status_code == 302
    assert not Product.objects.exists()


def test_staff_form_refuses_non_staff_users(client, django_user_model):
    user = django_user_model.objects.create_user("visitor", password="pw-visitor-123")
    client.force_login(user)
    assert client.get(reverse("product_create")).status_code == 302


def test_staff_form_is_multipart_with_csrf(admin_client):
    page = admin_client.get(reverse("product_create")).content.decode()
    assert 'enctype="multipart/form-data"' in page and "csrfmiddlewaretoken" in page


@pytest.mark.django_db(transaction=True)
def test_staff_creates_and_edits_a_product(admin_client, files_in):
    response = admin_client.post(reverse("product_create"), {
        "name": "Tea Pot", "image": factories.image_upload("pot.png", "PNG"),
        "document": factories.pdf_upload("pot.pdf")})
    product = Product.objects.get()
    assert response.status_code == 302 and response["Location"] == product.get_absolute_url()
    assert product.slug == "tea-pot"
    assert product.image.name.startswith("product_images/")
    assert files_in("cache")  # thumbnails made after commit
    response = admin_client.post(reverse("product_edit", args=[product.slug]), {"name": "Tea Pot XL"})
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.name == "Tea Pot XL" and product.image  # files kept when not re-uploaded


def test_staff_form_has_the_admin_validation(admin_client, files_in):
    response = admin_client.post(reverse("product_create"), {
        "name": "Bad", "image": factories.SimpleUploadedFile("x.jpg", b"GIF89a broken"),
        "document": factories.SimpleUploadedFile("x.pdf", b"<script>alert(1)</script>")})
    assert response.status_code == 400
    page = response.content.decode()
    assert "x.pdf is not an allowed document" in page
    assert not Product.objects.exists() and files_in() == []


def test_unique_slugs_are_derived_from_names():
    first = factories.product("Same Name", with_image=False)
    second = factories.product("Same Name", with_image=False)
    assert (first.slug, second.slug) == ("same-name", "same-name-2")


@pytest.mark.django_db
def test_a_request_django_refuses_gets_the_sites_400_page(client):
    """Any SuspiciousOperation (here a Host not in ALLOWED_HOSTS) gets the 400 page, never a 500."""
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "could not be understood" in response.content.decode()


def test_favicon_redirects_to_the_logo_and_pages_link_it(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("mediadmin/img/logo.svg")
    assert 'rel="icon"' in client.get("/").content.decode()
    assert 'rel="icon"' in client.get("/admin/login/").content.decode()


def test_the_staff_form_sets_sku_description_and_alt_text_and_shows_a_preview(admin_client, media_root):
    page = admin_client.get(reverse("product_create")).content.decode()
    for name in ("sku", "description", "image", "image_alt_text", "image_decorative", "document"):
        assert f'name="{name}"' in page
    assert "data-mediadmin-preview" in page and "mediadmin/js/image-preview.js" in page
    data = {"name": "Kettle", "sku": "KT-9", "description": "Copper, 1.5 l.",
            "image": factories.image_upload("kettle.jpg"), "image_alt_text": "A copper kettle"}
    assert admin_client.post(reverse("product_create"), data).status_code == 302
    product = Product.objects.get()
    assert (product.sku, product.description, product.image_alt_text) == ("KT-9", "Copper, 1.5 l.", "A copper kettle")
    edit = admin_client.get(reverse("product_edit", args=[product.slug])).content.decode()
    assert "mediadmin-current" in edit  # the stored image's thumbnail
    taken = admin_client.post(reverse("product_create"), {"name": "Other", "sku": "KT-9"})
    assert taken.status_code == 400 and "already exists" in taken.content.decode()


def test_staff_form_confirms_a_save(admin_client, media_root):
    response = admin_client.post(reverse("product_create"), {"name": "Tea Pot", "image": factories.image_upload(
        "pot.png", "PNG"), "image_alt_text": "A white tea pot"}, follow=True)
    page = response.content.decode()
    assert "“Tea Pot” was saved." in page and 'class="success"' in page
    assert "no alt text" not in page
