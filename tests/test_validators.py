"""Files are recognised by their content, not by their names."""
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from mediadmin import validators

from . import factories


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP"])
def test_allowed_image_formats_pass(fmt):
    validators.validate_image_file(factories.image_upload("x.bin", fmt))


def _eps():
    return b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n"


@pytest.mark.parametrize("name,data,message", [
    ("x.jpg", b"<html><script>alert(1)</script></html>", "not an image in an allowed format"),
    ("x.eps", _eps(), "not an image in an allowed format"),
    ("x.jpg", factories.image_bytes("JPEG")[:400], "is truncated"),
    ("x.bmp", factories.image_bytes("BMP"), "not an image in an allowed format"),
])
def test_bad_images_are_refused_with_a_named_reason(name, data, message):
    with pytest.raises(ValidationError) as excinfo:
        validators.validate_image_file(SimpleUploadedFile(name, data))
    text = " ".join(excinfo.value.messages)
    assert message in text and name in text


def test_too_many_pixels_is_refused(settings):
    settings.MEDIADMIN_MAX_IMAGE_PIXELS = 100 * 100
    with pytest.raises(ValidationError, match="megapixels"):
        validators.validate_image_file(factories.image_upload("big.png", "PNG", size=(200, 200)))


def test_too_many_bytes_is_refused(settings):
    settings.MEDIADMIN_MAX_IMAGE_BYTES = 100
    with pytest.raises(ValidationError, match="the limit is"):
        validators.validate_image_file(factories.image_upload())


def _zip(entries):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize("name,data,content_type", [
    ("a.pdf", factories.pdf_bytes(), "application/pdf"),
    ("a.docx", _zip({"[Content_Types].xml": "<x/>", "word/document.xml": "<x/>"}),
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("a.xlsx", _zip({"[Content_Types].xml": "<x/>", "xl/workbook.xml": "<x/>"}),
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("a.odt", _zip({"mimetype": "application/vnd.oasis.opendocument.text"}),
     "application/vnd.oasis.opendocument.text"),
    ("a.txt", "Plain text, ünïcode.\n".encode(), "text/plain"),
    ("a.csv", b"sku,name\nAB-1,Lamp\n", "text/csv"),
])
def test_documents_are_recognised_by_content(name, data, content_type):
    upload = SimpleUploadedFile(name, data)
    validators.validate_document_file(upload)
    assert validators.sniff_document(upload) == content_type


@pytest.mark.parametrize("name,data", [
    ("a.pdf", b"MZ\x90\x00\x03 windows executable"),
    ("a.pdf", b"\x7fELF\x02\x01\x01 linux executable"),
    ("a.txt", b"<html><body>hi</body></html>"),
    ("a.txt", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
    ("a.txt", b"#!/bin/sh\nrm -rf /\n"),
    ("a.docx", _zip({"evil.sh": "echo"})),
    ("a.txt", b""),
])
def test_dangerous_or_unknown_documents_are_refused(name, data):
    with pytest.raises(ValidationError):
        validators.validate_document_file(SimpleUploadedFile(name, data))
