"""Uploads, thumbnails, cleanup and private downloads against a real S3 API (moto's server)."""
import urllib.request

import pytest
from django.urls import reverse

from mediadmin import thumbnails
from mediadmin.models import Product, ProductDocument

from . import factories, hostile

pytestmark = pytest.mark.django_db(transaction=True)


def _add(admin_client, **files):
    data = {"name": "S3 Lamp", "slug": "s3-lamp", "sku": "S3-1", "description": "",
            "images-TOTAL_FORMS": "1", "images-INITIAL_FORMS": "0",
            "images-0-image": factories.image_upload("side.png", "PNG"), "images-0-position": "0",
            "documents-TOTAL_FORMS": "1", "documents-INITIAL_FORMS": "0",
            "documents-0-file": factories.pdf_upload("manual.pdf"), "documents-0-visibility": "staff",
            "image": factories.image_upload("lamp.jpg"), "document": factories.pdf_upload("care.pdf"),
            "_save": "Save", **files}
    return admin_client.post(reverse("admin:mediadmin_product_add"), data)


def test_admin_upload_stores_objects_and_thumbnails_on_s3(admin_client, s3_storage):
    assert _add(admin_client).status_code == 302
    product = Product.objects.get()
    assert s3_storage("media/product_images/") == [f"media/{product.image.name}"]
    assert s3_storage("media/product_gallery/") == [f"media/{product.images.get().image.name}"]
    assert s3_storage("private/product_docs/") == [f"private/{product.document.name}"]
    doc = ProductDocument.objects.get()
    assert s3_storage("private/documents/") == [f"private/{doc.file.name}"]
    assert (doc.size, doc.content_type) == (len(factories.pdf_bytes()), "application/pdf")
    assert s3_storage("media/cache/")  # thumbnails made after commit, on S3
    assert thumbnails.thumbnail_url(product.image, "admin_list").startswith("http://127.0.0.1")


def test_replacing_and_deleting_remove_objects_on_s3(admin_client, s3_storage):
    product = factories.product("Crate")
    thumbnails.warm(product.image, ["admin_list"])
    old = f"media/{product.image.name}"
    url = reverse("admin:mediadmin_product_change", args=[product.pk])
    data = {"name": "Crate", "slug": product.slug, "sku": "", "description": "",
            "image": factories.image_upload("new.jpg"), "images-TOTAL_FORMS": "0",
            "images-INITIAL_FORMS": "0", "documents-TOTAL_FORMS": "0", "documents-INITIAL_FORMS": "0"}
    assert admin_client.post(url, data).status_code == 302
    assert old not in s3_storage("media/")
    product.refresh_from_db()
    product.delete()
    assert s3_storage("media/product_images/") == [] and s3_storage("media/cache/") == []


def test_private_documents_are_signed_attachments(client, admin_client, s3_storage, django_user_model):
    assert _add(admin_client).status_code == 302
    doc = ProductDocument.objects.get()
    assert doc.file.url == f"/documents/{doc.file.name}"  # never a bucket URL in pages
    assert client.get(doc.file.url).status_code == 302  # to the login page
    assert "/admin/login/" in client.get(doc.file.url)["Location"]
    response = admin_client.get(doc.file.url)
    signed = response["Location"]
    assert response.status_code == 302 and "X-Amz-Signature" in signed
    with urllib.request.urlopen(signed) as s3_response:
        assert s3_response.read() == factories.pdf_bytes()
        assert s3_response.headers["Content-Disposition"].startswith("attachment;")
        assert s3_response.headers["Content-Type"] == "application/pdf"


def test_hostile_files_leave_nothing_on_s3(admin_client, s3_storage):
    for case in [c for c in hostile.all_cases() if not c.accepted][:10]:
        field = "image" if case.kind == "image" else "document"
        body, content_type = hostile.multipart({"name": "x"}, [(field, case.filename, case.data)])
        response = admin_client.generic("POST", reverse("product_create"), body, content_type=content_type)
        assert response.status_code == 400, case.label
    assert s3_storage() == [] and not Product.objects.exists()


def test_twenty_simultaneous_same_name_uploads_give_twenty_objects(s3_storage):
    factories.store_simultaneously("same.jpg", 20)
    assert len(s3_storage("media/product_images/")) == 20


def test_bulk_upload_endpoint_on_s3(admin_client, s3_storage):
    product = Product.objects.create(name="Bulk", slug="bulk", sku="BK-1")
    url = reverse("admin:mediadmin_product_upload", args=[product.pk, "documents"])
    for expected in (201, 409):  # the second copy is a duplicate: reported, not stored
        response = admin_client.post(url, {"file": factories.pdf_upload("BK-1_manual.pdf")})
        assert response.status_code == expected, response.content
    refused = admin_client.post(url, {"file": factories.SimpleUploadedFile("x.pdf", hostile.HTML)})
    assert refused.status_code == 422
    doc = ProductDocument.objects.get()
    assert s3_storage("private/documents/") == [f"private/{doc.file.name}"]
    images_url = reverse("admin:mediadmin_product_upload", args=[product.pk, "images"])
    assert admin_client.post(images_url, {"file": factories.image_upload("g.jpg")}).status_code == 201
    assert len(s3_storage("media/product_gallery/")) == 1


def test_stored_content_type_is_the_detected_one(admin_client, s3_storage, s3_endpoint):
    from . import s3

    product = Product.objects.create(name="Types", slug="types")
    url = reverse("admin:mediadmin_product_upload", args=[product.pk, "documents"])
    lying = factories.SimpleUploadedFile("manual.html", factories.pdf_bytes(), content_type="text/html")
    assert admin_client.post(url, {"file": lying}).status_code == 201
    [key] = s3_storage("private/documents/")
    assert key.endswith(".pdf")
    bucket = settings_bucket()
    head = s3.client(s3_endpoint).head_object(Bucket=bucket, Key=key)
    assert head["ContentType"] == "application/pdf"
    image = factories.image_upload("x.html", content_type_claim="text/html")
    images_url = reverse("admin:mediadmin_product_upload", args=[product.pk, "images"])
    assert admin_client.post(images_url, {"file": image}).status_code == 201
    [image_key] = s3_storage("media/product_gallery/")
    head = s3.client(s3_endpoint).head_object(Bucket=bucket_of("default"), Key=image_key)
    assert head["ContentType"] == "image/jpeg"


def settings_bucket():
    return bucket_of("private")


def bucket_of(alias):
    from django.conf import settings

    return settings.STORAGES[alias]["OPTIONS"]["bucket_name"]


def _head(endpoint, alias, key):
    from . import s3

    return s3.client(endpoint).head_object(Bucket=bucket_of(alias), Key=key)


def test_objects_are_written_with_their_cache_control(admin_client, s3_storage, s3_endpoint):
    """Media (uploads under server-made names, hashed thumbnails): a year, immutable; documents: no-store."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    from mediadmin.storages_s3 import IMMUTABLE, NOT_STORED

    assert _add(admin_client).status_code == 302
    media = s3_storage("media/product_images/") + s3_storage("media/product_gallery/") + s3_storage("media/cache/")
    assert len(media) >= 4  # main image, gallery image and at least one thumbnail of each
    assert {_head(s3_endpoint, "default", key)["CacheControl"] for key in media} == {IMMUTABLE}
    private = s3_storage("private/")
    assert len(private) == 2
    assert {_head(s3_endpoint, "private", key)["CacheControl"] for key in private} == {NOT_STORED}
    quarantined = storages["default"].save(".trash/batch/product_images/x.jpg", ContentFile(b"x"))
    assert _head(s3_endpoint, "default", f"media/{quarantined}")["CacheControl"] == NOT_STORED


def test_a_presigned_download_asks_s3_for_name_type_and_no_caching(admin_client, s3_storage):
    """Followed with requests: S3 answers with the headers the signed URL asked for."""
    import requests
    from django.utils.http import content_disposition_header

    product = Product.objects.create(name="Names", slug="names")
    url = reverse("admin:mediadmin_product_upload", args=[product.pk, "documents"])
    cases = [(factories.pdf_upload("Prüfbericht März.pdf"), "Prüfbericht März.pdf", "application/pdf"),
             (factories.SimpleUploadedFile("price list.bat", b"item,price\nlamp,3\n"), "price list.txt",
              "text/plain")]
    for upload, name, content_type in cases:
        assert admin_client.post(url, {"file": upload}).status_code == 201, name
        doc = ProductDocument.objects.get(original_name=upload.name)
        redirect = admin_client.get(doc.file.url)
        assert redirect.status_code == 302 and redirect["X-Content-Type-Options"] == "nosniff"
        answer = requests.get(redirect["Location"], timeout=10)
        assert answer.status_code == 200 and answer.content == doc.file.open("rb").read()
        assert answer.headers["Content-Disposition"] == content_disposition_header(True, name)
        assert answer.headers["Content-Type"] == content_type
        assert answer.headers["Cache-Control"] == "private, no-store"
    assert "filename*=utf-8''Pr%C3%BCfbericht%20M%C3%A4rz.pdf" in content_disposition_header(
        True, "Prüfbericht März.pdf")


def test_custom_domain_urls_carry_the_key_so_the_cdn_origin_is_the_bucket_root(s3_storage):
    """docs/deployment.md: the CDN's origin is the bucket root, not the media/ prefix."""
    from mediadmin.storages_s3 import MediaS3Storage

    storage = MediaS3Storage(custom_domain="media.shop.example.com")
    assert storage.url("product_images/lamp-abcd1234.jpg") == (
        "https://media.shop.example.com/media/product_images/lamp-abcd1234.jpg")
