"""Documents refused cheaply and by name of the reason; names that are safe on the way out; linear matching."""
import io
import struct
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mediadmin import archive, filenames, filetypes, matching, officezip, validators
from mediadmin.models import Product, ProductDocument

from . import factories, hostile


def _eocd(entries, directory_size=46, directory_offset=0):
    return struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, min(entries, 0xFFFF), min(entries, 0xFFFF),
                       directory_size, directory_offset, 0)


def _claims_a_million_entries():
    """A 1 KB 'docx': a local header, garbage where the directory should be, an end record claiming 1,000,000."""
    body = b"PK\x03\x04" + b"\x00" * 1000
    locator_offset = len(body)
    zip64 = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, 1_000_000, 1_000_000, 46_000_000, 0)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, locator_offset, 1)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return body + zip64 + locator + end


def _upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def _refusal(name, data):
    with pytest.raises(ValidationError) as caught:
        validators.validate_document_file(_upload(name, data))
    return caught.value


def test_the_entry_count_is_read_from_the_end_record_before_the_archive_is_parsed(monkeypatch):
    def no_parsing(*args, **kwargs):
        raise AssertionError("zipfile must not parse an archive refused by its end record")

    monkeypatch.setattr(officezip.zipfile, "ZipFile", no_parsing)
    error = _refusal("spec.docx", _claims_a_million_entries())
    assert error.code == "too_many_entries"
    assert "spec.docx is a zip archive of 1,000,000 entries; the limit is 2,000." in error.messages


def test_a_plain_end_record_claiming_too_many_entries_is_refused_too():
    data = b"PK\x03\x04" + b"\x00" * 100 + _eocd(60_000)
    assert _refusal("sheet.xlsx", data).code == "too_many_entries"


def test_a_zip_without_an_end_record_is_named_damaged():
    error = _refusal("spec.docx", b"PK\x03\x04" + b"\x00" * 200)
    assert error.code == "corrupt_document" and "damaged zip archive" in error.messages[0]


@pytest.mark.parametrize("extra, code, words", [
    ({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}, "macros", "contains macros"),
    ({"xl/vbaProject.bin": b"x"}, "macros", "contains macros"),
    ({"../../evil.sh": "x"}, "unsafe_entry", "unsafe path"),
    ({"word/media/bomb.bin": b"\x00" * (30 * 1024 * 1024)}, "zip_ratio", "like a zip bomb"),
])
def test_office_refusals_say_what_is_wrong(extra, code, words):
    error = _refusal("spec.docx", hostile._docx(extra))
    assert error.code == code and words in error.messages[0] and "spec.docx" in error.messages[0]


def test_a_macro_enabled_content_type_is_refused_whatever_the_name():
    types = ('<Types><Override ContentType="application/vnd.ms-word.document.macroEnabled.main+xml" '
             'PartName="/word/document.xml"/></Types>')
    data = hostile._zip({"[Content_Types].xml": types, "word/document.xml": "<w:document/>"})
    for name in ("spec.docx", "spec.pdf", "spec"):
        assert _refusal(name, data).code == "macros"


def test_a_plain_docx_is_still_accepted():
    validators.validate_document_file(_upload("spec.docx", hostile._docx()))


@pytest.mark.parametrize("name, data, claimed, actual", [
    ("SH-410_fake.jpg", b"just some text\n", "an image", "plain text"),
    ("scan.pdf", factories.image_bytes("JPEG", (16, 16)), "a PDF document", "a JPEG image"),
    ("spec.docx", factories.pdf_bytes(), "a Word document", "a PDF document"),
    ("notes.txt", factories.pdf_bytes(), "plain text", "a PDF document"),
])
def test_a_name_claiming_another_type_than_the_bytes_is_refused_naming_both(name, data, claimed, actual):
    error = _refusal(name, data)
    assert error.code == "name_mismatch"
    assert error.messages == [f"{name} is named as {claimed} but contains {actual}."]


def test_an_image_named_as_a_document_is_refused_on_the_image_field_too():
    with pytest.raises(ValidationError) as caught:
        validators.validate_image_file(factories.image_upload("report.pdf", fmt="PNG"))
    assert caught.value.messages == ["report.pdf is named as a PDF document but contains a PNG image."]


@pytest.mark.parametrize("name", ["pricelist.bat", "update.js", "invoice.hta", "PRN", "list.csv"])
def test_names_that_claim_no_known_type_or_the_right_one_pass(name):
    validators.validate_document_file(_upload(name, b"sku,price\nAB-1,10\n"))
    assert filetypes.claimed_family("photo.PNG") == filetypes.IMAGE


@pytest.mark.django_db(transaction=True)
def test_text_named_jpg_on_the_bulk_endpoint_is_refused_and_stores_nothing(admin_client, files_in):
    factories.product("Shelf", sku="SH-410", with_image=False)
    response = admin_client.post(reverse("admin:mediadmin_product_bulk_upload_file"),
                                 {"target": "sku", "file": _upload("SH-410_fake.jpg", b"not a photo\n")})
    assert response.status_code == 422
    assert response.json()["message"] == "SH-410_fake.jpg is named as an image but contains plain text."
    assert not ProductDocument.objects.exists() and files_in("documents") == []


@pytest.mark.parametrize("original, extension, offered", [
    ("pricelist.bat", "txt", "pricelist.txt"),
    ("update.js", "txt", "update.txt"),
    ("invoice.hta", "txt", "invoice.txt"),
    ("report.pdf.exe", "txt", "report.pdf.txt"),
    ("Manual.PDF", "pdf", "Manual.pdf"),
    ("PRN", "pdf", "PRN.pdf"),
    ("a\x00b\u202e.txt", "txt", "ab.txt"),
])
def test_download_names_carry_the_detected_types_extension(original, extension, offered):
    assert filenames.download_name(original, extension) == offered


@pytest.mark.django_db
def test_text_uploaded_as_bat_downloads_as_txt_everywhere(admin_client):
    product = factories.product("Lamp", sku="LA-1", with_image=False)
    url = reverse("admin:mediadmin_product_upload", args=[product.pk, "documents"])
    assert admin_client.post(url, {"file": _upload("pricelist.bat", b"lamp,10\n")}).status_code == 201
    document = ProductDocument.objects.get()
    assert document.file.name.endswith(".txt") and document.download_name == "pricelist.txt"
    download = admin_client.get(document.file.url)
    assert download["Content-Disposition"] == 'attachment; filename="pricelist.txt"'
    page = admin_client.get(product.get_absolute_url()).content.decode()
    assert 'download="pricelist.txt"' in page and 'download="pricelist.bat"' not in page
    change = admin_client.get(reverse("admin:mediadmin_product_change", args=[product.pk])).content.decode()
    assert 'download="pricelist.txt"' in change and 'download="pricelist.bat"' not in change


@pytest.mark.django_db
def test_zip_entry_names_are_sanitised_and_collisions_numbered(admin_client):
    evil = factories.product("Evil", sku="../..\\evil:C\x07", with_image=True)
    for name in ("pricelist.bat", "pricelist.txt"):
        _attach_text(evil, name)
    other = factories.product("Other", sku="/etc", with_image=False)
    _attach_text(other, "notes.txt")
    response = admin_client.post(reverse("admin:mediadmin_product_changelist"),
                                 {"action": "download_files", "_selected_action": [evil.pk, other.pk]})
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert len(names) == 4 and len(set(names)) == 4
    for name in names:
        parts = name.split("/")
        assert not name.startswith("/") and "\\" not in name and ":" not in name and ".." not in parts
        assert ".." not in name and not any(ord(ch) < 32 for ch in name)
    documents = sorted(n.rsplit("/", 1)[-1] for n in names if "/documents/" in n and n.startswith("____evil"))
    assert documents == ["pricelist-2.txt", "pricelist.txt"]


def _attach_text(product, name):
    ProductDocument.objects.create(product=product, file=_upload(name, b"some text\n"), original_name=name,
                                   content_type="text/plain", size=10, sha256=name)


def test_match_candidates_are_bounded_whatever_the_names_length():
    counts = [len(matching.sku_candidates("ab-" * (length // 3) + ".jpg")) for length in (1_000, 10_000, 80_000)]
    assert counts[0] == counts[1] == counts[2] <= matching.SKU_MAX_LENGTH
    assert all(len(c) <= matching.SKU_MAX_LENGTH
               for c in matching.sku_candidates("x_" * 40_000))


@pytest.mark.django_db
def test_match_endpoint_answers_an_80_kb_name(admin_client):
    product = factories.product("Shelf", sku="SH-410", with_image=False)
    name = "SH-410_" + "a-" * 40_000 + ".jpg"
    response = admin_client.post(reverse("admin:mediadmin_product_bulk_match"), {"names": [name]},
                                 content_type="application/json")
    assert response.status_code == 200
    assert response.json()["matches"][name]["id"] == product.pk


def test_archive_folder_falls_back_to_the_product_number():
    assert archive._folder(Product(pk=7, sku="..", slug="")) == "product-7"


@pytest.mark.parametrize("name, title", [
    ("BP-100.datasheet_11.pdf", "BP-100 datasheet 11"), ("walk_manual.pdf", "walk manual"),
    ("  spaced__out .pdf", "spaced out"), ("no-extension", "no-extension"), ("...pdf", ".."),
])
def test_titles_are_made_readable_from_file_names(name, title):
    from mediadmin import filenames

    assert filenames.readable_title(name) == title


@pytest.mark.django_db
def test_messages_and_gallery_rows_use_the_original_name_never_the_stored_one(media_root):
    from mediadmin import services
    from mediadmin.models import ProductImage

    product = factories.product("Lamp", image_alt_text="A lamp")
    data = factories.image_bytes()
    first = services.gallery_image_upload(product=product, uploaded_file=SimpleUploadedFile(
        "photo_03_copy.jpg", data, "image/jpeg"))
    assert first.original_name == "photo_03_copy.jpg" and "photo_03_copy-" in first.image.name
    with pytest.raises(services.DuplicateUpload) as refused:
        services.gallery_image_upload(product=product, uploaded_file=SimpleUploadedFile(
            "again.jpg", data, "image/jpeg"))
    assert "“photo_03_copy.jpg”" in refused.value.messages[0] and "-" not in refused.value.messages[0].split("“")[1]
    assert str(ProductImage.objects.get()) == "photo_03_copy.jpg"
