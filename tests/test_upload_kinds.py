"""The upload-kind registry is the contract: inlines, views, presenters, templates and JS agree with it.

Renaming an inline's prefix or field, the model's file field or a request parameter without the
registry (mediadmin.upload_kinds) fails here rather than silently in the browser.
"""
import csv
import io
import json
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.db import models
from django.test import RequestFactory
from django.urls import reverse

from mediadmin import upload_kinds
from mediadmin.admin import presenters
from mediadmin.admin.forms import BulkUploadForm
from mediadmin.forms import ProductForm
from mediadmin.models import Product
from mediadmin.services import uploads
from mediadmin.widgets import ImagePreviewWidget

from . import factories

pytestmark = pytest.mark.django_db
KINDS = list(upload_kinds.KINDS.values())


class _Attrs(HTMLParser):
    """Attributes of every element carrying a given attribute."""

    def __init__(self, marker):
        super().__init__()
        self.marker, self.found = marker, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.marker in attrs:
            self.found.append(attrs)


def _elements(html, marker):
    parser = _Attrs(marker)
    parser.feed(html)
    return parser.found


def _inline(kind, admin_user):
    request = RequestFactory().get("/")
    request.user = admin_user
    model_admin = admin.site._registry[Product]
    return next(i for i in model_admin.get_inline_instances(request) if i.model is kind.model), request


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_the_product_admin_has_an_inline_per_kind_with_its_prefix_and_fields(kind, admin_user):
    inline, request = _inline(kind, admin_user)
    product = factories.product(with_image=False)
    formset = inline.get_formset(request, product)(instance=product)
    assert formset.prefix == kind.prefix
    assert inline.upload_kind == kind.name
    assert tuple(inline.get_fields(request, product)) == kind.inline_fields
    editable = set(kind.inline_fields) - set(inline.get_readonly_fields(request, product))
    assert editable <= set(formset.form.base_fields)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_the_model_has_the_file_field_and_the_limit_setting_exists(kind, settings):
    assert isinstance(kind.model._meta.get_field(kind.file_field), models.FileField)
    assert kind.max_bytes == getattr(settings, kind.limit_setting) > 0
    assert kind.name in uploads.KINDS and upload_kinds.get(kind.prefix) is kind


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_every_inline_column_the_js_fills_is_a_row_key(kind):
    # The JSON `row` of an upload names a value for every column but the file and the download
    # link, which take name/change_url/thumbnail_url/download_url.
    plain = set(kind.inline_fields) - {kind.file_field, "download"}
    assert plain <= set(kind.row_keys)
    assert {"name", "change_url"} <= set(kind.row_keys)


def test_row_json_keys_are_the_registry_row_keys():
    product = factories.product(with_image=False)
    rows = {upload_kinds.IMAGES: factories.gallery_image(product),
            upload_kinds.DOCUMENTS: factories.document(product)}
    for name, obj in rows.items():
        assert tuple(presenters._row_json(obj)) == upload_kinds.KINDS[name].row_keys


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_the_change_form_carries_the_registry_values_as_data_attributes(kind, admin_client):
    product = factories.product(with_image=False)
    html = admin_client.get(reverse("admin:mediadmin_product_change", args=[product.pk])).content.decode()
    assert f'id="{kind.prefix}-group"' in html  # the JS finds the inline's table by it
    zones = {z["data-inline-prefix"]: z for z in _elements(html, "data-mediadmin-uploader")}
    zone = zones[kind.prefix]
    assert zone["data-upload-url"] == reverse("admin:mediadmin_product_upload", args=[product.pk, kind.name])
    assert zone["data-max-bytes"] == str(kind.max_bytes)
    assert zone["data-file-param"] == upload_kinds.FILE_PARAM
    assert zone["data-allow-duplicate-param"] == upload_kinds.ALLOW_DUPLICATE_PARAM
    inputs = [i for i in _elements(html, "accept") if i.get("id") == f"{kind.prefix}-bulk-files"]
    assert inputs[0]["accept"] == kind.accept == zone["data-accept"]
    fields = [f["data-field"] for f in _elements(html, "data-field") if f.get("id", "").startswith(kind.prefix)]
    assert fields == list(kind.options)


def test_a_file_sent_under_the_registry_parameter_to_the_kind_url_is_uploaded(admin_client):
    product = factories.product(with_image=False)
    kind = upload_kinds.KINDS[upload_kinds.DOCUMENTS]
    url = reverse("admin:mediadmin_product_upload", args=[product.pk, kind.name])
    response = admin_client.post(url, {upload_kinds.FILE_PARAM: factories.pdf_upload(),
                                       upload_kinds.VISIBILITY_PARAM: "staff"})
    assert response.status_code == 201, response.content
    assert set(response.json()["row"]) == set(kind.row_keys)
    assert product.documents.get().visibility == "staff"


def test_the_bulk_page_hands_the_form_names_and_the_csv_header_to_the_js(admin_client):
    html = admin_client.get(reverse("admin:mediadmin_product_bulk_upload")).content.decode()
    (root,) = _elements(html, "data-mediadmin-bulk")
    assert root["data-form-fields"].split() == list(BulkUploadForm().fields)
    assert {root["data-product-field"], root["data-target-field"]} <= set(BulkUploadForm().fields)
    target_choices = dict(BulkUploadForm().fields[root["data-target-field"]].choices)
    assert root["data-one-product"] in target_choices
    assert json.loads(root["data-csv-header"]) == presenters.CSV_HEADER
    assert json.loads(root["data-csv-formula-start"]) == list(presenters.CSV_FORMULA_START)
    no_js_csv = presenters.outcomes_csv([uploads.UploadOutcome("unmatched", "x.pdf", "none")])
    assert next(csv.reader(io.StringIO(no_js_csv))) == presenters.CSV_HEADER
    assert int(root["data-match-chunk"]) > 0


def test_one_accept_rule_for_every_image_input(settings):
    assert ImagePreviewWidget().attrs["accept"] == upload_kinds.image_accept()
    assert ProductForm().fields["image"].widget.attrs["accept"] == upload_kinds.image_accept()
    assert upload_kinds.image_accept() == "image/jpeg,image/png,image/gif,image/webp"
    settings.MEDIADMIN_IMAGE_FORMATS = ["JPEG", "TIFF", "MPO"]
    assert upload_kinds.image_accept() == "image/jpeg,image/tiff,image/mpo"
    settings.MEDIADMIN_DOCUMENT_TYPES = ["pdf", "TXT"]
    assert upload_kinds.document_accept() == ".pdf,.txt"
