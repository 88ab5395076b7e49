"""Documents are served as attachments, never sniffed; staff-only ones need permission."""
import pytest
from django.contrib.auth.models import Permission

from mediadmin.models import ProductDocument

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    return factories.product("Drill", document=factories.pdf_upload("drill-care.pdf"))


@pytest.fixture
def public_doc(product):
    return factories.document(product, "manual.pdf")


@pytest.fixture
def staff_doc(product):
    doc = factories.document(product, "pricing.pdf")
    doc.visibility = ProductDocument.Visibility.STAFF
    doc.save()
    return doc


def _assert_hardened(response, filename):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert filename in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("default-src 'none'")


def test_documents_live_outside_media_root(public_doc, product, media_root, private_root):
    assert (private_root / public_doc.file.name).is_file()
    assert not (media_root / public_doc.file.name).exists()
    assert public_doc.file.url.startswith("/documents/") and product.document.url.startswith("/documents/")


def test_public_documents_download_as_attachments(client, public_doc, product):
    response = client.get(public_doc.file.url)
    _assert_hardened(response, "manual.pdf")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    _assert_hardened(client.get(product.document.url), "drill-care.pdf")  # stored name minus its random part


def test_staff_only_documents_need_login_and_permission(client, django_user_model, staff_doc):
    response = client.get(staff_doc.file.url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    visitor = django_user_model.objects.create_user("visitor", password="x-visitor-1")
    client.force_login(visitor)
    assert client.get(staff_doc.file.url).status_code == 403
    clerk = django_user_model.objects.create_user("clerk", password="x-clerk-1", is_staff=True)
    client.force_login(clerk)
    assert client.get(staff_doc.file.url).status_code == 403
    clerk.user_permissions.add(Permission.objects.get(codename="view_productdocument"))
    client.force_login(django_user_model.objects.get(pk=clerk.pk))
    _assert_hardened(client.get(staff_doc.file.url), "pricing.pdf")


def test_staff_only_documents_are_not_listed_publicly(client, admin_client, staff_doc, public_doc, product):
    page = client.get(product.get_absolute_url()).content.decode()
    assert public_doc.file.url in page and staff_doc.file.url not in page
    assert staff_doc.file.url in admin_client.get(product.get_absolute_url()).content.decode()


def test_unknown_and_traversal_names_are_404(client):
    for name in ("documents/nope.pdf", "../settings.py", "..%2f..%2fetc/passwd"):
        assert client.get(f"/documents/{name}").status_code == 404


def test_private_files_are_not_under_media_url(client, public_doc):
    assert client.get(f"/media/{public_doc.file.name}").status_code == 404


def test_x_accel_redirect_when_nginx_serves_the_file(client, settings, public_doc):
    settings.MEDIADMIN_X_ACCEL_REDIRECT_PREFIX = "/_protected/"
    response = client.get(public_doc.file.url)
    assert response["X-Accel-Redirect"] == f"/_protected/{public_doc.file.name}"
    assert response.content == b""
    _assert_hardened(response, "manual.pdf")
