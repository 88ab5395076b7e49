"""Hostile uploads through every way in: no 500, a clear error or a sanitised result,
nothing stray in storage, no row."""
import json
import re
import unicodedata

import pytest
from django.urls import reverse

from mediadmin import filenames
from mediadmin.models import Product, ProductDocument, ProductImage

from . import hostile

pytestmark = pytest.mark.django_db(transaction=True)

CASES = hostile.all_cases()
STORED = re.compile(r"^(product_images|product_gallery|product_docs|documents)/[\w-]{1,60}-[a-z0-9]{8}\.[a-z]{3,4}$")


def _admin_product(case):
    fields = {"name": "Hostile", "slug": "hostile", "sku": "", "description": "",
              "images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0",
              "images-MIN_NUM_FORMS": "0", "images-MAX_NUM_FORMS": "1000",
              "documents-TOTAL_FORMS": "1" if case.kind == "document" else "0",
              "documents-INITIAL_FORMS": "0", "documents-MIN_NUM_FORMS": "0",
              "documents-MAX_NUM_FORMS": "1000", "_save": "Save"}
    if case.kind == "document":
        fields.update({"documents-0-title": "", "documents-0-visibility": "public"})
        return fields, "documents-0-file"
    return fields, "image"


def _staff_form(case):
    return {"name": "Hostile"}, case.kind


ENDPOINTS = {
    "admin": (lambda: reverse("admin:mediadmin_product_add"), _admin_product),
    "staff-form": (lambda: reverse("product_create"), _staff_form),
}


def _stored_names():
    names = list(ProductImage.objects.values_list("image", flat=True))
    names += list(Product.objects.exclude(image="").values_list("image", flat=True))
    names += list(Product.objects.exclude(document="").values_list("document", flat=True))
    names += list(ProductDocument.objects.values_list("file", flat=True))
    return names


def _assert_safe_name(name, case):
    assert STORED.match(name), name
    assert name.endswith("." + case.extension)
    assert not any(unicodedata.category(ch)[0] == "C" for ch in name)
    assert len(name.encode()) < 120


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("case", CASES, ids=[c.label for c in CASES])
def test_hostile_upload(admin_client, files_in, case, endpoint):
    url_for, build = ENDPOINTS[endpoint]
    fields, file_field = build(case)
    body, content_type = hostile.multipart(fields, [(file_field, case.filename, case.data)])
    response = admin_client.generic("POST", url_for(), body, content_type=content_type)
    assert response.status_code != 500
    if not case.accepted:
        assert response.status_code in (200, 400), response.status_code
        page = response.content.decode()
        assert "errorlist" in page or "errornote" in page
        shown = filenames.display_name(case.filename.replace("\x00", ""))
        if case.filename and "\\" not in case.filename and case.data:
            assert (shown in page or shown.rsplit("/", 1)[-1] in page), f"error does not name {shown!r}"
        assert not Product.objects.exists() and not ProductDocument.objects.exists()
        assert files_in() == [], "a refused file reached storage"
        return
    assert response.status_code == 302, response.content.decode()[:2000]
    [name] = _stored_names()
    _assert_safe_name(name, case)
    originals = [f for f in files_in() if not f.startswith("cache/")]
    assert originals == [name], originals


def test_refused_image_errors_name_the_file_and_reason(admin_client):
    case = hostile.image_cases()[4]  # 1000 frames
    body, content_type = hostile.multipart({"name": "x"}, [("image", case.filename, case.data)])
    page = admin_client.generic("POST", reverse("product_create"), body, content_type=content_type)
    assert "anim.gif has 1000 frames; the limit is 300." in page.content.decode()


def test_too_many_files_in_one_request_is_refused(admin_client, files_in, settings):
    files = [("image", f"p{i}.jpg", hostile.JPEG) for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)]
    body, content_type = hostile.multipart({"name": "Many"}, files)
    response = admin_client.generic("POST", reverse("product_create"), body, content_type=content_type)
    assert response.status_code == 400
    assert f"more than {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files" in response.content.decode()
    assert not Product.objects.exists() and files_in() == []


@pytest.mark.parametrize("case", CASES, ids=[c.label for c in CASES])
def test_hostile_upload_through_the_bulk_upload_endpoint(admin_client, files_in, case):
    """The drop zones' endpoint: one file per request, a JSON answer per file."""
    product = Product.objects.create(name="Target", slug="target")
    kind = "images" if case.kind == "image" else "documents"
    url = reverse("admin:mediadmin_product_upload", args=[product.pk, kind])
    body, content_type = hostile.multipart({}, [("file", case.filename, case.data)])
    response = admin_client.generic("POST", url, body, content_type=content_type)
    assert response.status_code != 500
    answer = json.loads(response.content)
    if not case.accepted:
        assert response.status_code == 422 and answer["status"] == "refused", answer
        assert answer["message"]
        assert not ProductImage.objects.exists() and not ProductDocument.objects.exists()
        assert files_in() == [], "a refused file reached storage"
        return
    assert response.status_code == 201, answer
    [name] = _stored_names()
    _assert_safe_name(name, case)
    assert [f for f in files_in() if not f.startswith("cache/")] == [name]

