"""How upload outcomes are shown: JSON for bulk-upload.js, counts and CSV for the summary."""
import csv
import io
import json
from collections import Counter
from urllib.parse import quote

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .. import thumbnails, upload_kinds
from ..models import ProductDocument
from .forms import ONE_PRODUCT

# The columns of the summary CSV and the first characters that make a cell a spreadsheet formula:
# the CSV is written here without JavaScript, and by bulk-upload.js from data-csv-header and
# data-csv-formula-start (bulk_page_data), so both files have the same columns and the same guard.
CSV_HEADER = ["file", "status", "product_sku", "product_name", "message"]
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
STATUS_LABELS = {"uploaded": _("Uploaded"), "duplicate": _("Duplicate"), "refused": _("Refused"),
                 "unmatched": _("Unmatched"), "failed": _("Failed")}


def product_json(product):
    """The product fields the pages show, or None."""
    if product is None:
        return None
    return {"id": product.pk, "name": product.name, "sku": product.sku,
            "url": reverse("admin:mediadmin_product_change", args=[product.pk])}


def _row_json(obj):
    """A new inline row's cells: the keys are the kind's row_keys (upload_kinds), the JS's slots."""
    if isinstance(obj, ProductDocument):
        size = filesizeformat(obj.size)
        return {"id": obj.pk, "kind": "document", "title": obj.title, "name": obj.original_name,
                "size": size, "size_display": size, "content_type": obj.content_type,
                "visibility": obj.get_visibility_display(), "download_url": obj.file.url,
                "change_url": reverse("admin:mediadmin_productdocument_change", args=[obj.pk])}
    dimensions = f"{obj.width} × {obj.height}"
    return {"id": obj.pk, "kind": "image", "name": obj.display_name,
            "size": dimensions, "dimensions": dimensions, "position": obj.position, "alt_text": obj.alt_text,
            "decorative": str(_("Yes") if obj.decorative else _("No")),
            "focal_x": obj.focal_x, "focal_y": obj.focal_y,
            "thumbnail_url": thumbnails.thumbnail_url(obj.image, "admin_inline"),
            "change_url": reverse("admin:mediadmin_productimage_change", args=[obj.pk])}


def outcome_json(outcome, request=None, row_html=None):
    """One file's outcome as JSON: status, name, message, product and the new row.

    `row_html`, on the change form's drop zones, is the inline's own markup of the new row
    (inlines.UploadKindInlineMixin.render_row): bulk-upload.js inserts it as a formset row.
    """
    data = {"status": outcome.status, "name": outcome.name, "message": outcome.message,
            "product": product_json(outcome.product),
            "row": _row_json(outcome.obj) if outcome.obj is not None else None}
    if row_html is not None:
        data["row_html"] = row_html
    return data


def _safe_cell(value):
    # A cell starting like a formula would run in a spreadsheet (CSV injection).
    value = str(value)
    return "'" + value if value.startswith(CSV_FORMULA_START) else value


def outcomes_csv(outcomes) -> str:
    """The summary as CSV text, one line per file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for o in outcomes:
        product = o.product
        writer.writerow([_safe_cell(v) for v in (
            o.name, o.status, product.sku if product else "", product.name if product else "",
            o.message)])
    return buffer.getvalue()


def summary_context(outcomes):
    """Template context of the summary after a POST without JavaScript (empty before)."""
    if outcomes is None:
        return {"outcomes": None}
    counts = Counter(o.status for o in outcomes)
    rows = [{"outcome": o, "label": STATUS_LABELS.get(o.status, o.status)} for o in outcomes]
    return {"outcomes": rows, "counts": counts, "total": len(outcomes),
            "csv_href": "data:text/csv;charset=utf-8," + quote(outcomes_csv(outcomes))}


def limits():
    """Byte limits shown on the pages and handed to the JavaScript."""
    document = upload_kinds.KINDS[upload_kinds.DOCUMENTS].max_bytes
    image = upload_kinds.KINDS[upload_kinds.IMAGES].max_bytes
    return {"document_bytes": document, "image_bytes": image,
            "document": filesizeformat(document), "image": filesizeformat(image)}


def _request_params():
    # The names the JS sends its file and its "upload anyway" flag under (views read the same).
    return {"file-param": upload_kinds.FILE_PARAM,
            "allow-duplicate-param": upload_kinds.ALLOW_DUPLICATE_PARAM, "concurrency": 3}


def inline_uploader_data(kind, object_id):
    """data-* attributes of an inline's drop zone: everything bulk-upload.js needs from the server."""
    url = reverse("admin:mediadmin_product_upload", args=[object_id, kind.name])
    ordered = {"position-param": upload_kinds.POSITION_PARAM} if kind.order_field else {}
    return {"upload-url": url, "inline-prefix": kind.prefix, "max-bytes": kind.max_bytes,
            "accept": kind.accept, **ordered, **_request_params()}


def bulk_page_data(form, match_chunk):
    """data-* attributes of the bulk page: URLs, limits, the form's field names, the CSV header."""
    product_field = "product"  # BulkUploadForm's field of the one chosen product
    return {"upload-url": reverse("admin:mediadmin_product_bulk_upload_file"),
            "match-url": reverse("admin:mediadmin_product_bulk_match"), "match-chunk": match_chunk,
            "max-bytes": max(k.max_bytes for k in upload_kinds.KINDS.values()),
            "form-fields": " ".join(form.fields), "target-field": "target", "one-product": ONE_PRODUCT,
            "product-field": product_field, "csv-header": json.dumps(CSV_HEADER),
            "csv-formula-start": json.dumps(CSV_FORMULA_START), **_request_params()}
