"""Document responses: always an attachment, never sniffed, never run."""
import mimetypes
from dataclasses import dataclass

from django.conf import settings
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

from . import filenames
from .validators import DOCUMENT_TYPES

_TYPE_BY_EXTENSION = {ext: ct for ct, ext in DOCUMENT_TYPES.items()}


@dataclass(frozen=True)
class Download:
    """A stored document and how it is offered."""

    field_file: object
    filename: str
    content_type: str
    public: bool


def content_type_for(name):
    """Content type of a stored name; its extension was made from the detected type."""
    known = _TYPE_BY_EXTENSION.get(filenames.extension(name))
    return known or mimetypes.guess_type(name)[0] or "application/octet-stream"


def _harden(response, download):
    response["Content-Type"] = download.content_type
    response["Content-Disposition"] = content_disposition_header(True, download.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600" if not download.public else "public, max-age=3600"
    return response


def response_for(download):
    """A pre-signed redirect on S3, X-Accel-Redirect to nginx when configured, else a FileResponse."""
    storage = download.field_file.storage
    if hasattr(storage, "signed_url"):
        response = HttpResponseRedirect(storage.signed_url(
            download.field_file.name, filename=download.filename, content_type=download.content_type))
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
    prefix = settings.MEDIADMIN_X_ACCEL_REDIRECT_PREFIX
    if prefix:
        response = HttpResponse()
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + download.field_file.name
        return _harden(response, download)
    response = FileResponse(download.field_file.open("rb"))
    return _harden(response, download)
