"""Bulk upload: services, SKU matching, the JSON endpoints, the page without JavaScript, the zip."""
import csv
import io
import zipfile
from urllib.parse import unquote

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection
from django.test import Client
from django.urls import reverse

from mediadmin import matching
from mediadmin.admin.presenters import outcomes_csv
from mediadmin.models import ProductDocument, ProductImage
from mediadmin.services import uploads

from . import factories

pytestmark = pytest.mark.django_db


def upload_url(product, kind="documents"):
    return reverse("admin:mediadmin_product_upload", args=[product.pk, kind])


def txt(name, body="hello"):
    return SimpleUploadedFile(name, body.encode(), content_type="text/plain")


def bad(name="evil.pdf"):
    return SimpleUploadedFile(name, b"<html><script>alert(1)</script></html>", content_type="application/pdf")


# --- services -----------------------------------------------------------------------------

def test_document_upload_stores_file_and_row_with_metadata(files_in, admin_user):
    product = factories.product(with_image=False)
    document = uploads.document_upload(product=product, uploaded_file=factories.pdf_upload("a.pdf"),
                                       user=admin_user)
    assert document.pk and document.content_type == "application/pdf"
    assert document.uploaded_by == admin_user and document.original_name == "a.pdf"
    assert len(document.sha256) == 64 and files_in() == [document.file.name]
    assert document.file.name.startswith("documents/a-") and document.is_public


def test_refused_document_leaves_nothing(files_in):
    product = factories.product(with_image=False)
    with pytest.raises(uploads.ValidationError) as info:
        uploads.document_upload(product=product, uploaded_file=bad())
    assert "evil.pdf" in " ".join(info.value.messages)
    assert not ProductDocument.objects.exists() and files_in() == []


def test_duplicate_document_is_refused_unless_allowed(files_in):
    product = factories.product(with_image=False)
    uploads.document_upload(product=product, uploaded_file=factories.pdf_upload("a.pdf"))
    with pytest.raises(uploads.DuplicateUpload):
        uploads.document_upload(product=product, uploaded_file=factories.pdf_upload("copy.pdf"))
    assert ProductDocument.objects.count() == 1 and len(files_in()) == 1
    uploads.document_upload(product=product, uploaded_file=factories.pdf_upload("copy.pdf"),
                            allow_duplicate=True)
    assert ProductDocument.objects.count() == 2


def test_same_file_on_another_product_is_no_duplicate():
    one, two = factories.product("One", with_image=False), factories.product("Two", with_image=False)
    uploads.document_upload(product=one, uploaded_file=factories.pdf_upload())
    uploads.document_upload(product=two, uploaded_file=factories.pdf_upload())
    assert ProductDocument.objects.count() == 2


def test_gallery_upload_appends_with_dimensions_and_hash(media_root):
    product = factories.product(with_image=False)
    factories.gallery_image(product, position=4)
    image = uploads.gallery_image_upload(product=product,
                                         uploaded_file=factories.image_upload("p.png", "PNG", (50, 40)))
    assert (image.position, image.width, image.height) == (5, 50, 40)
    assert len(image.sha256) == 64


def test_gallery_duplicate_detected_for_rows_saved_before_hashes():
    product = factories.product(with_image=False)
    old = factories.gallery_image(product)
    ProductImage.objects.filter(pk=old.pk).update(sha256="")  # a row from before the field hashed
    old.refresh_from_db()
    assert old.sha256 == ""
    with old.image.open("rb") as f:
        same = SimpleUploadedFile("again.png", f.read(), content_type="image/png")
    with pytest.raises(uploads.DuplicateUpload):
        uploads.gallery_image_upload(product=product, uploaded_file=same)
    assert ProductImage.objects.count() == 1


def test_refused_image_leaves_nothing(files_in):
    product = factories.product(with_image=False)
    broken = SimpleUploadedFile("broken.jpg", factories.image_bytes()[:300], content_type="image/jpeg")
    with pytest.raises(uploads.ValidationError):
        uploads.gallery_image_upload(product=product, uploaded_file=broken)
    assert not ProductImage.objects.exists() and files_in() == []


@pytest.mark.django_db(transaction=True)
def test_failure_after_storing_deletes_the_stored_file(files_in):
    """The row insert fails (a database trigger refuses it) after the file was stored."""
    product = factories.product(with_image=False)
    create, drop = _REFUSING_TRIGGER[connection.vendor]
    with connection.cursor() as cursor:
        for statement in create:
            cursor.execute(statement)
    try:
        with pytest.raises(DatabaseError):
            uploads.document_upload(product=product, uploaded_file=factories.pdf_upload())
        assert files_in() == [] and not ProductDocument.objects.exists()
    finally:
        with connection.cursor() as cursor:
            for statement in drop:
                cursor.execute(statement)


# A trigger that refuses every document row, in each database's dialect.
_REFUSING_TRIGGER = {
    "sqlite": (
        ["CREATE TRIGGER refuse_documents BEFORE INSERT ON mediadmin_productdocument "
         "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"],
        ["DROP TRIGGER refuse_documents"],
    ),
    "postgresql": (
        ["CREATE FUNCTION refuse_documents() RETURNS trigger LANGUAGE plpgsql AS "
         "$$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$",
         "CREATE TRIGGER refuse_documents BEFORE INSERT ON mediadmin_productdocument "
         "FOR EACH ROW EXECUTE FUNCTION refuse_documents()"],
        ["DROP TRIGGER refuse_documents ON mediadmin_productdocument",
         "DROP FUNCTION refuse_documents()"],
    ),
}


@pytest.mark.django_db(transaction=True)
def test_duplicate_image_found_after_storing_leaves_no_file(files_in):
    product = factories.product(with_image=False)
    photo = factories.image_bytes("JPEG", (120, 90))
    first = uploads.gallery_image_upload(
        product=product, uploaded_file=SimpleUploadedFile("a.jpg", photo, content_type="image/jpeg"))
    with pytest.raises(uploads.DuplicateUpload):
        uploads.gallery_image_upload(
            product=product, uploaded_file=SimpleUploadedFile("b.jpg", photo, content_type="image/jpeg"))
    assert files_in("product_gallery") == [first.image.name]


def test_detect_kind_by_content_not_name():
    assert uploads.detect_kind(factories.image_upload("photo.pdf")) == uploads.IMAGES
    assert uploads.detect_kind(factories.pdf_upload("scan.jpg")) == uploads.DOCUMENTS


# --- SKU matching -------------------------------------------------------------------------

def test_sku_matching_longest_sku_and_case_insensitive():
    short = factories.product("Short", sku="AB-1", with_image=False)
    long = factories.product("Long", sku="AB-123", with_image=False)
    matches = matching.match_filenames(
        ["AB-123_manual.pdf", "ab-1 photo.jpg", "AB-1.pdf", "AB-1234.pdf", "XY_nothing.pdf", "ab-123"])
    assert matches == {"AB-123_manual.pdf": long, "ab-1 photo.jpg": short, "AB-1.pdf": short,
                       "AB-1234.pdf": None, "XY_nothing.pdf": None, "ab-123": long}


def test_sku_matching_many_names_in_few_queries(django_assert_max_num_queries):
    for i in range(30):
        factories.product(f"P{i}", sku=f"SK-{i}", with_image=False)
    names = [f"SK-{i % 40}_file{i}.pdf" for i in range(2000)]
    with django_assert_max_num_queries(10):
        matches = matching.match_filenames(names)
    assert sum(p is not None for p in matches.values()) == 1500


# --- endpoints ----------------------------------------------------------------------------

def test_change_form_endpoint_many_files_good_and_bad(admin_client, files_in):
    product = factories.product(with_image=False)
    results = []
    for i in range(12):
        f = bad(f"bad{i}.pdf") if i % 4 == 0 else txt(f"note{i}.txt", f"note {i}")
        results.append(admin_client.post(upload_url(product), {"file": f}))
    assert [r.status_code for r in results].count(201) == 9
    refused = [r.json() for r in results if r.status_code == 422]
    assert len(refused) == 3 and all(r["name"] in r["message"] for r in refused)
    assert product.documents.count() == 9 and len(files_in("documents")) == 9
    row = results[1].json()["row"]
    assert row["name"] == "note1.txt" and row["content_type"] == "text/plain"


def test_change_form_endpoint_duplicate_then_keep(admin_client):
    product = factories.product(with_image=False)
    assert admin_client.post(upload_url(product), {"file": txt("a.txt")}).status_code == 201
    dup = admin_client.post(upload_url(product), {"file": txt("b.txt")})
    assert dup.status_code == 409 and dup.json()["status"] == "duplicate"
    kept = admin_client.post(upload_url(product), {"file": txt("b.txt"), "allow_duplicate": "1"})
    assert kept.status_code == 201 and product.documents.count() == 2


def test_gallery_endpoint_returns_row_with_thumbnail(admin_client):
    product = factories.product(with_image=False)
    response = admin_client.post(upload_url(product, "images"),
                                 {"file": factories.image_upload("g.jpg", size=(300, 200))})
    assert response.status_code == 201
    row = response.json()["row"]
    assert row["size"] == "300 × 200" and "/media/" in row["thumbnail_url"]


def test_endpoint_refuses_non_image_in_gallery(admin_client, media_root):
    product = factories.product(with_image=False)
    response = admin_client.post(upload_url(product, "images"), {"file": factories.pdf_upload("x.jpg")})
    assert response.status_code == 422 and "x.jpg" in response.json()["message"]
    assert not ProductImage.objects.exists()


def _staff(perms=()):
    user = User.objects.create_user("clerk", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=perms))
    client = Client()
    client.force_login(user)
    return client


def test_staff_without_add_permission_gets_403(files_in):
    product = factories.product(with_image=False)
    client = _staff(["view_product", "change_product"])
    assert client.post(upload_url(product), {"file": txt("a.txt")}).status_code == 403
    assert client.post(reverse("admin:mediadmin_product_bulk_upload_file"),
                       {"file": txt("a.txt"), "target": "sku"}).status_code == 403
    assert client.post(reverse("admin:mediadmin_product_bulk_match"), {"names": []},
                       content_type="application/json").status_code == 403
    assert client.get(reverse("admin:mediadmin_product_bulk_upload")).status_code == 403
    assert not ProductDocument.objects.exists() and files_in("documents") == []


def test_add_permission_for_documents_only_allows_documents():
    product = factories.product(with_image=False)
    client = _staff(["add_productdocument"])
    assert client.post(upload_url(product), {"file": txt("a.txt")}).status_code == 201
    assert client.post(upload_url(product, "images"),
                       {"file": factories.image_upload()}).status_code == 403


def test_anonymous_and_non_staff_get_403():
    product = factories.product(with_image=False)
    assert Client().post(upload_url(product), {"file": txt("a.txt")}).status_code == 403
    User.objects.create_user("shopper", password="pw")
    client = Client()
    client.force_login(User.objects.get(username="shopper"))  # axes: login() needs a request
    assert client.post(upload_url(product), {"file": txt("a.txt")}).status_code == 403


def test_csrf_missing_is_403(admin_user):
    product = factories.product()
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    response = client.post(upload_url(product), {"file": txt("a.txt")})
    assert response.status_code == 403 and not ProductDocument.objects.exists()
    client.get(reverse("admin:mediadmin_product_change", args=[product.pk]))
    token = client.cookies["csrftoken"].value
    ok = client.post(upload_url(product), {"file": txt("a.txt")}, HTTP_X_CSRFTOKEN=token)
    assert ok.status_code == 201


def test_get_is_not_allowed(admin_client):
    product = factories.product(with_image=False)
    assert admin_client.get(upload_url(product)).status_code == 405


def test_unknown_kind_is_404(admin_client):
    product = factories.product(with_image=False)
    assert admin_client.post(upload_url(product, "videos"), {"file": txt("a.txt")}).status_code == 404


def test_bulk_file_endpoint_matches_sku_and_kind(admin_client, files_in):
    lamp = factories.product("Lamp", sku="AB-123", with_image=False)
    url = reverse("admin:mediadmin_product_bulk_upload_file")
    doc = admin_client.post(url, {"file": factories.pdf_upload("AB-123_manual.pdf"), "target": "sku"})
    img = admin_client.post(url, {"file": factories.image_upload("ab-123-front.jpg"), "target": "sku"})
    none = admin_client.post(url, {"file": factories.pdf_upload("ZZ-9_manual.pdf"), "target": "sku"})
    assert doc.status_code == 201 and doc.json()["product"]["sku"] == "AB-123"
    assert img.status_code == 201 and img.json()["row"]["kind"] == "image"
    assert none.status_code == 422 and none.json()["status"] == "unmatched"
    assert lamp.documents.count() == 1 and lamp.images.count() == 1
    assert not any("ZZ-9" in f for f in files_in())


def test_bulk_file_endpoint_to_one_product(admin_client):
    lamp = factories.product("Lamp", sku="AB-123", with_image=False)
    chair = factories.product("Chair", with_image=False)
    url = reverse("admin:mediadmin_product_bulk_upload_file")
    response = admin_client.post(url, {"file": factories.pdf_upload("AB-123_manual.pdf"),
                                       "target": "product", "product": chair.pk})
    assert response.status_code == 201 and chair.documents.count() == 1 and not lamp.documents.exists()
    missing = admin_client.post(url, {"file": factories.pdf_upload("x.pdf"), "target": "product"})
    assert missing.status_code == 400


def test_bulk_match_endpoint(admin_client):
    factories.product("Lamp", sku="AB-123", with_image=False)
    response = admin_client.post(reverse("admin:mediadmin_product_bulk_match"),
                                 {"names": ["AB-123_a.pdf", "nope.pdf"]}, content_type="application/json")
    matches = response.json()["matches"]
    assert matches["AB-123_a.pdf"]["sku"] == "AB-123" and matches["nope.pdf"] is None


def test_bulk_page_without_javascript_uploads_in_one_post(admin_client, media_root):
    lamp = factories.product("Lamp", sku="AB-123", with_image=False)
    factories.document(lamp, "existing.pdf")
    page = admin_client.get(reverse("admin:mediadmin_product_bulk_upload"))
    assert page.status_code == 200 and b"at most 100 files" in page.content
    files = [factories.pdf_upload("AB-123_manual.pdf", title="Manual"), txt("AB-123_notes.txt"),
             bad("AB-123_evil.pdf"), factories.pdf_upload("AB-123_again.pdf"), txt("QQ_lost.txt")]
    response = admin_client.post(reverse("admin:mediadmin_product_bulk_upload"),
                                 {"target": "sku", "files": files})
    assert response.status_code == 200
    counts = response.context["counts"]
    assert (counts["uploaded"], counts["refused"], counts["duplicate"], counts["unmatched"]) == (2, 1, 1, 1)
    assert lamp.documents.count() == 3
    href = response.context["csv_href"]
    rows = list(csv.DictReader(io.StringIO(unquote(href.split(",", 1)[1]))))
    assert {r["file"]: r["status"] for r in rows}["QQ_lost.txt"] == "unmatched"
    assert "AB-123_evil.pdf" in {r["file"]: r["message"] for r in rows}["AB-123_evil.pdf"]


def test_bulk_page_without_javascript_over_the_file_limit_says_why(admin_client, media_root, settings):
    """Django refuses a POST of more files than DATA_UPLOAD_MAX_NUMBER_FILES before any view runs:
    the page says which limit, what to do instead, and nothing is stored."""
    lamp = factories.product("Lamp", sku="AB-123", with_image=False)
    files = [txt(f"AB-123_{i}.txt") for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)]
    url = reverse("admin:mediadmin_product_bulk_upload")
    response = admin_client.post(url, {"target": "sku", "files": files})
    assert response.status_code == 400
    page = response.content.decode()
    assert f"more than {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files" in page
    assert "smaller groups" in page and f'href="{url}"' in page
    assert lamp.documents.count() == 0 and not any(media_root.rglob("*.txt"))


def test_changelist_links_to_bulk_page(admin_client):
    response = admin_client.get(reverse("admin:mediadmin_product_changelist"))
    assert reverse("admin:mediadmin_product_bulk_upload").encode() in response.content


def test_change_form_has_drop_zones_configured_by_data_attributes(admin_client):
    product = factories.product()
    html = admin_client.get(reverse("admin:mediadmin_product_change", args=[product.pk])).content.decode()
    assert html.count("data-mediadmin-uploader") == 2
    assert f'data-upload-url="{upload_url(product, "images")}"' in html
    assert "bulk-upload.js" in html and "<script>" not in html.split("<body")[1].replace(" ", "")


def test_change_form_of_a_product_without_image_has_drop_zones(admin_client):
    product = factories.product(with_image=False)
    response = admin_client.get(reverse("admin:mediadmin_product_change", args=[product.pk]))
    assert response.status_code == 200 and response.content.count(b"data-mediadmin-uploader") == 2


def test_csv_cells_that_look_like_formulas_are_quoted():
    outcome = uploads.UploadOutcome("refused", "=cmd|' /C calc'!A0.pdf", "bad")
    assert "'=cmd" in outcomes_csv([outcome])


# --- zip action ---------------------------------------------------------------------------

def test_zip_action_streams_every_file(admin_client):
    lamp = factories.product("Lamp", sku="AB-1")
    factories.gallery_image(lamp)
    factories.document(lamp, "manual.pdf")
    chair = factories.product("Chair")
    response = admin_client.post(reverse("admin:mediadmin_product_changelist"), {
        "action": "download_files", "_selected_action": [lamp.pk, chair.pk]})
    assert response.streaming and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert "AB-1/documents/manual.pdf" in names and any(n.startswith("AB-1/images/") for n in names)
    assert any(n.startswith("chair/") for n in names)
    assert archive.testzip() is None
    assert archive.read("AB-1/documents/manual.pdf").startswith(b"%PDF-")


def test_zip_skips_a_file_missing_from_storage(admin_client, caplog):
    lamp = factories.product("Lamp", sku="AB-1")
    kept = factories.document(lamp, "kept.pdf")
    gone = factories.document(lamp, "gone.pdf")
    gone.file.storage.delete(gone.file.name)
    response = admin_client.post(reverse("admin:mediadmin_product_changelist"), {
        "action": "download_files", "_selected_action": [lamp.pk]})
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert f"AB-1/documents/{kept.original_name}" in names
    assert f"AB-1/documents/{gone.original_name}" not in names
    assert "missing from storage" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_simultaneous_uploads_of_the_same_file_keep_one(files_in):
    """Eight requests with the same bytes at once: one is stored, seven are duplicates."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    product = factories.product(with_image=False)
    data = factories.pdf_bytes("Same")

    def upload(i):
        try:
            return uploads.file_upload(product=product, user=None, kind=uploads.DOCUMENTS,
                                       uploaded_file=SimpleUploadedFile(f"same-{i}.pdf", data)).status
        finally:
            connections.close_all()

    with ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(upload, range(8)))
    assert statuses == ["duplicate"] * 7 + ["uploaded"]
    assert ProductDocument.objects.count() == 1 and len(files_in("documents")) == 1


def test_a_gallery_image_saved_by_any_path_gets_its_hash_and_size_from_the_stored_bytes(files_in):
    """The field fills sha256 (and Django width/height) on save: the inline and load_demo too."""
    import hashlib

    product = factories.product("Any path", with_image=False)
    image = ProductImage(product=product, image=factories.image_upload("g.png", "PNG", size=(300, 200)))
    image.save()
    image.refresh_from_db()
    assert (image.width, image.height) == (300, 200)
    with image.image.open("rb") as stored:
        assert image.sha256 == hashlib.sha256(stored.read()).hexdigest()
