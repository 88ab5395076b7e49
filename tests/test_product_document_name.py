"""Product.document downloads under its original name, with the extension of its detected type.

Like a gallery document (ProductDocument.download_name): the admin form and the staff form keep
the client's name (services.product_save), the download view, the product page and the zip use it,
on the local disk and, through a pre-signed URL, on S3. Older rows get the stored name without its
random part (migration 0007), and a name of another shape falls back to the product's slug.
"""
import importlib
import io
import zipfile
from pathlib import Path

import pytest
import requests
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.http import content_disposition_header

from mediadmin import archive, services
from mediadmin.models import Product

from . import factories

pytestmark = pytest.mark.django_db(transaction=True)

MIGRATIONS = Path(__file__).resolve().parent.parent / "mediadmin" / "migrations"

PDF_NAME, PDF_DOWNLOAD = "Walk Manual (v2).PDF", "Walk Manual (v2).pdf"
TEXT_NAME, TEXT_DOWNLOAD = "Größentabelle.bat", "Größentabelle.txt"  # text named as a program


def _text_upload():
    return SimpleUploadedFile(TEXT_NAME, b"size,width\nM,40\n", content_type="application/x-msdos-program")


def _admin_add(client, upload):
    data = {"name": "Walk", "slug": "walk", "sku": "", "description": "", "document": upload,
            "images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0",
            "documents-TOTAL_FORMS": "0", "documents-INITIAL_FORMS": "0", "_save": "Save"}
    assert client.post(reverse("admin:mediadmin_product_add"), data).status_code == 302
    return Product.objects.get(slug="walk")


def _staff_add(client, upload):
    assert client.post(reverse("product_create"), {"name": "Walk", "document": upload}).status_code == 302
    return Product.objects.get(name="Walk")


ADD = {"admin form": _admin_add, "staff form": _staff_add}
CASES = [(factories.pdf_upload, PDF_NAME, PDF_DOWNLOAD, "application/pdf"),
         (lambda name: _text_upload(), TEXT_NAME, TEXT_DOWNLOAD, "text/plain")]


@pytest.mark.parametrize("path", ADD)
@pytest.mark.parametrize("make, name, download, content_type", CASES)
def test_local_download_uses_the_original_name(admin_client, private_root, path, make, name, download,
                                               content_type):
    product = ADD[path](admin_client, make(name))
    assert product.document_original_name == name
    assert product.document.name != f"product_docs/{download}"  # stored under a server-made name
    response = admin_client.get(product.document.url)
    assert response.status_code == 200 and response["Content-Type"] == content_type
    assert response["Content-Disposition"] == content_disposition_header(True, download)
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ADD)
@pytest.mark.parametrize("make, name, download, content_type", CASES)
def test_s3_presigned_download_uses_the_original_name(admin_client, s3_storage, path, make, name, download,
                                                      content_type):
    product = ADD[path](admin_client, make(name))
    assert s3_storage("private/product_docs/") == [f"private/{product.document.name}"]
    redirect = admin_client.get(product.document.url)
    assert redirect.status_code == 302 and "X-Amz-Signature" in redirect["Location"]
    answer = requests.get(redirect["Location"], timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"] == content_disposition_header(True, download)
    assert answer.headers["Content-Type"] == content_type


def test_replacing_the_document_renames_it_and_clearing_forgets_the_name(admin_client, private_root):
    product = _staff_add(admin_client, factories.pdf_upload("first.pdf"))
    edit = reverse("product_edit", args=[product.slug])
    assert admin_client.post(edit, {"name": "Walk", "document": factories.pdf_upload("Second.pdf")}).status_code == 302
    product.refresh_from_db()
    assert product.document_download_name == "Second.pdf"
    assert admin_client.post(edit, {"name": "Walk", "document-clear": "on"}).status_code == 302
    product.refresh_from_db()
    assert (product.document.name, product.document_original_name) == ("", "")


def test_product_page_and_zip_offer_the_original_name(admin_client, client, private_root):
    product = _admin_add(admin_client, factories.pdf_upload(PDF_NAME))
    page = client.get(product.get_absolute_url()).content.decode()
    assert f'download="{PDF_DOWNLOAD}">{PDF_DOWNLOAD}</a>' in page.replace("&#x27;", "'")
    entries = archive.product_entries(Product.objects.filter(pk=product.pk))
    assert f"walk/{PDF_DOWNLOAD}" in [e.arcname for e in entries]
    archive_bytes = b"".join(archive.stream_zip(entries))
    assert f"walk/{PDF_DOWNLOAD}" in zipfile.ZipFile(io.BytesIO(archive_bytes)).namelist()


def test_rows_without_the_name_fall_back_to_the_stored_name_then_the_slug(private_root):
    product = factories.product("Plain Save", with_image=False, document=factories.pdf_upload("Care Guide.pdf"))
    assert product.document_original_name == ""  # a plain save(), no service
    assert product.document_download_name == "care-guide.pdf"
    product.document.name = "product_docs/oddly named.pdf"
    assert product.document_download_name == "plain-save.pdf"


def test_the_migration_fills_existing_rows_from_the_stored_name(private_root):
    [path] = MIGRATIONS.glob("*_product_document_original_name.py")  # whatever number it has
    migration = importlib.import_module(f"mediadmin.migrations.{path.stem}")
    services.product_save(product=Product(name="Kept", document=factories.pdf_upload("Kept Name.pdf")))
    old = factories.product("Old", with_image=False, document=factories.pdf_upload("Walk Manual.pdf"))
    Product.objects.filter(pk=old.pk).update(document="product_docs/walk-manual-fphmfump_AbC12xy.pdf")
    odd = factories.product("Odd", with_image=False, document=factories.pdf_upload("x.pdf"))
    Product.objects.filter(pk=odd.pk).update(document="product_docs/uploaded by hand.pdf")
    migration.fill_from_stored_names(apps, None)
    names = dict(Product.objects.values_list("name", "document_original_name"))
    assert names == {"Kept": "Kept Name.pdf", "Old": "walk-manual.pdf", "Odd": ""}
    assert Product.objects.get(name="Odd").document_download_name == "odd.pdf"
