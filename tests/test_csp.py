"""Content-Security-Policy: on every HTML page, strict, and never over a download's own policy."""
import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from reversion.admin import VersionAdmin

from mediadmin.admin.activity import FileEventAdmin

from . import factories

pytestmark = pytest.mark.django_db

REQUIRED = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "object-src": "'none'",
    "base-uri": "'self'", "frame-ancestors": "'none'", "form-action": "'self'",
}


def _policy(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()}


def _assert_strict(response):
    assert response["Content-Type"].startswith("text/html")
    policy = _policy(response)
    for directive, value in REQUIRED.items():
        assert policy[directive] == value, (directive, policy)
    assert policy["img-src"].split()[:3] == ["'self'", "data:", "blob:"]
    assert "unsafe" not in response["Content-Security-Policy"]


@pytest.fixture
def product():
    product = factories.product("Lamp", sku="AB-1", document=factories.pdf_upload("care.pdf"))
    factories.gallery_image(product)
    factories.document(product, "manual.pdf")
    return product


def _admin_pages(product):
    """Every admin page of the project: index, each model's changelist/add/change, the tools."""
    urls = [reverse("admin:index"), reverse("admin:mediadmin_product_bulk_upload"),
            reverse("admin:mediadmin_product_audit"),
            reverse("admin:mediadmin_product_history", args=[product.pk]),
            reverse("admin:mediadmin_product_delete", args=[product.pk])]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        if not isinstance(model_admin, FileEventAdmin):  # the file history has no add page
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        if isinstance(model_admin, VersionAdmin):  # "Recover deleted …"
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_recoverlist"))
        first = model.objects.order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk]))
    return urls


def test_every_admin_page_has_the_policy(admin_client, product):
    for url in _admin_pages(product):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        _assert_strict(response)


def test_public_pages_login_and_error_pages_have_the_policy(admin_client, product):
    anonymous = Client()
    for url in ["/", product.get_absolute_url(), reverse("admin:login"), "/no-such-page/"]:
        _assert_strict(anonymous.get(url))
    _assert_strict(admin_client.get(reverse("product_create")))
    _assert_strict(admin_client.get(reverse("product_edit", args=[product.slug])))
    # A 400 page of the project's own handler (too many fields).
    response = admin_client.post(reverse("admin:mediadmin_product_add"),
                                 {f"f{i}": "x" for i in range(10_001)})
    assert response.status_code == 400
    _assert_strict(response)


def test_a_document_download_keeps_its_own_stricter_policy(product):
    response = Client().get(product.documents.get().file.url)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_media_on_s3_adds_its_origin_to_img_src(monkeypatch):
    from mediadmin import settings as project_settings

    monkeypatch.setattr(project_settings, "MEDIADMIN_S3_BUCKET", "shop-media")
    monkeypatch.setenv("MEDIADMIN_S3_CUSTOM_DOMAIN", "media.shop.example.com")
    assert project_settings._media_origins() == ["https://media.shop.example.com"]
    monkeypatch.delenv("MEDIADMIN_S3_CUSTOM_DOMAIN")
    monkeypatch.setenv("MEDIADMIN_S3_ENDPOINT_URL", "http://127.0.0.1:9000/")
    assert project_settings._media_origins() == ["http://127.0.0.1:9000"]
    monkeypatch.delenv("MEDIADMIN_S3_ENDPOINT_URL")
    monkeypatch.setenv("MEDIADMIN_S3_REGION", "eu-west-1")
    assert project_settings._media_origins() == ["https://shop-media.s3.amazonaws.com",
                                                 "https://shop-media.s3.eu-west-1.amazonaws.com"]
