"""Everything on record: 5xx with their tracebacks on stderr, refused uploads at INFO on every path."""
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mediadmin import validators
from mediadmin.models import Product

from . import factories

ROOT = Path(__file__).resolve().parents[1]

# A WSGI request through the project's own wsgi application, settings and LOGGING, with DEBUG
# off, in a process of its own: its stderr is exactly what gunicorn would leave in the log.
FORCED_500 = """
import mediadmin.wsgi, sys
from wsgiref.util import setup_testing_defaults
from mediadmin import selectors

def product_list():
    raise RuntimeError("the product selector broke (forced by the test)")

selectors.product_list = product_list
environ = {"PATH_INFO": "/", "REQUEST_METHOD": "GET"}
setup_testing_defaults(environ)
statuses = []
body = b"".join(mediadmin.wsgi.application(environ, lambda status, headers, exc=None: statuses.append(status)))
print(statuses[0])
"""


def test_a_500_with_debug_off_leaves_its_traceback_on_stderr_once(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MEDIADMIN_"))}
    env.update(DJANGO_SETTINGS_MODULE="mediadmin.settings", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
               DJANGO_MEDIA_ROOT=str(tmp_path / "media"), MEDIADMIN_PRIVATE_ROOT=str(tmp_path / "private"))
    result = subprocess.run([sys.executable, "-c", FORCED_500], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "500 Internal Server Error", result.stderr
    log = result.stderr
    assert "ERROR django.request" in log and "Internal Server Error: /" in log
    assert "Traceback (most recent call last)" in log
    assert "RuntimeError: the product selector broke (forced by the test)" in log
    assert "in product_list" in log  # the frame that raised, not just the message
    assert log.count("Internal Server Error: /") == 1 and log.count("Traceback") == 1


# --- refused uploads -------------------------------------------------------------------------

def _refusals(caplog):
    return [r for r in caplog.records if r.name == "mediadmin.uploads" and r.levelno == logging.INFO
            and r.getMessage().startswith("Upload refused")]


@pytest.fixture
def refusals(caplog):
    caplog.set_level(logging.INFO, logger="mediadmin.uploads")
    return lambda: [r.getMessage() for r in _refusals(caplog)]


def _fake_image(name="lamp.jpg"):
    return SimpleUploadedFile(name, b"<html>not an image</html>", content_type="image/jpeg")


def _fake_pdf(name="manual.pdf"):
    return SimpleUploadedFile(name, b"MZ\x90\x00 an executable", content_type="application/pdf")


@pytest.mark.django_db
def test_admin_form_refusals_are_logged_once_each_with_user_file_and_reason(admin_client, refusals):
    data = {"name": "Desk Lamp", "slug": "desk-lamp", "sku": "DL-1", "description": "",
            "image": _fake_image(), "document": _fake_pdf("care.pdf"),
            "images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0",
            "documents-TOTAL_FORMS": "1", "documents-INITIAL_FORMS": "0",
            "documents-0-file": _fake_pdf(), "documents-0-title": "", "documents-0-visibility": "public"}
    response = admin_client.post(reverse("admin:mediadmin_product_add"), data)
    assert response.status_code == 200 and not Product.objects.exists()
    lines = refusals()
    assert len(lines) == 3, lines
    by_file = {name: [line for line in lines if f"file='{name}'" in line]
               for name in ("lamp.jpg", "care.pdf", "manual.pdf")}
    assert all(len(found) == 1 for found in by_file.values()), lines
    assert all("user=admin" in line for line in lines)
    assert "code=invalid_image" in by_file["lamp.jpg"][0]
    assert "lamp.jpg is not an image in an allowed format" in by_file["lamp.jpg"][0]
    assert "code=invalid_document" in by_file["manual.pdf"][0]
    assert "manual.pdf is not an allowed document" in by_file["manual.pdf"][0]


@pytest.mark.django_db
def test_json_endpoint_refusal_is_logged_once(admin_client, refusals):
    product = factories.product(with_image=False)
    url = reverse("admin:mediadmin_product_upload", args=[product.pk, "documents"])
    response = admin_client.post(url, {"file": _fake_pdf("spec.pdf")})
    assert response.status_code == 422
    lines = refusals()
    assert len(lines) == 1, lines
    assert "user=admin" in lines[0] and "file='spec.pdf'" in lines[0]
    assert "code=invalid_document" in lines[0] and "spec.pdf is not an allowed document" in lines[0]


@pytest.mark.django_db
def test_json_endpoint_duplicate_is_logged_with_its_reason(admin_client, refusals):
    product = factories.product(with_image=False)
    factories.document(product, "manual.pdf")
    url = reverse("admin:mediadmin_product_upload", args=[product.pk, "documents"])
    response = admin_client.post(url, {"file": factories.pdf_upload("again.pdf", title="Spec sheet")})
    assert response.status_code == 409
    lines = refusals()
    assert len(lines) == 1 and "file='again.pdf'" in lines[0] and "code=duplicate" in lines[0], lines


@pytest.mark.django_db
def test_bulk_page_and_staff_form_refusals_are_logged(admin_client, refusals):
    factories.product("Lamp", sku="AB-123", with_image=False)
    admin_client.post(reverse("admin:mediadmin_product_bulk_upload"),
                      {"target": "sku", "files": [_fake_pdf("AB-123_evil.pdf"), _fake_pdf("QQ_lost.pdf")]})
    response = admin_client.post(reverse("product_create"), {"name": "Chair", "image": _fake_image("chair.jpg")})
    assert response.status_code == 400
    lines = refusals()
    assert len(lines) == 3, lines
    assert any("file='AB-123_evil.pdf'" in line and "code=invalid_document" in line for line in lines)
    assert any("file='QQ_lost.pdf'" in line and "code=unmatched" in line for line in lines)
    assert any("file='chair.jpg'" in line and "code=invalid_image" in line for line in lines)
    assert all("user=admin" in line for line in lines)


@pytest.mark.django_db
def test_a_file_checked_by_the_form_field_and_the_model_field_is_logged_once(refusals):
    upload = _fake_pdf("twice.pdf")
    field_file = Product(name="x", document=upload).document  # the model field's view of the same upload
    for value in (upload, field_file):
        with pytest.raises(ValidationError):
            validators.validate_document_file(value)
    assert len(refusals()) == 1 and "user=- " in refusals()[0]  # no request: a shell or a command


@pytest.mark.django_db
def test_bulk_refusal_for_a_kind_the_user_may_not_add_is_logged(client, refusals):
    from django.contrib.auth.models import Permission, User

    factories.product("Lamp", sku="AB-123", with_image=False)
    user = User.objects.create_user("imagesonly", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="add_productimage"))
    client.force_login(user)
    response = client.post(reverse("admin:mediadmin_product_bulk_upload_file"),
                           {"target": "sku", "file": factories.pdf_upload("AB-123_manual.pdf")})
    assert response.status_code == 422
    lines = refusals()
    assert len(lines) == 1, lines
    assert "user=imagesonly" in lines[0] and "file='AB-123_manual.pdf'" in lines[0]
    assert "code=permission_denied" in lines[0]
