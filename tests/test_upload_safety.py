"""What reaches storage: cleaned images, safe names, no overwrite, nothing left by failures."""
import io

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from PIL import Image

from mediadmin import filenames, filesafety, thumbnails
from mediadmin.models import Product, ProductDocument

from . import factories, hostile

pytestmark = pytest.mark.django_db(transaction=True)


def _stored_image(media_root, case):
    product = Product(name="P", image=SimpleUploadedFile(case.filename, case.data))
    product.full_clean()
    product.save()
    return product, (media_root / product.image.name).read_bytes()


def _case(label):
    return next(c for c in hostile.all_cases() if c.label == label)


def test_bytes_after_the_image_do_not_reach_storage(media_root):
    _, stored = _stored_image(media_root, _case("jpeg with html appended"))
    assert b"<script>" not in stored and stored.endswith(b"\xff\xd9")
    _, stored = _stored_image(media_root, _case("jpeg with zip appended"))
    assert b"PK\x03\x04" not in stored


def test_exif_gps_and_text_chunks_are_stripped(media_root):
    _, stored = _stored_image(media_root, _case("jpeg with gps exif"))
    with Image.open(io.BytesIO(stored)) as img:
        assert not img.getexif() and b"SpyCam" not in stored
    _, stored = _stored_image(media_root, _case("png with script in a text chunk"))
    assert b"<script>" not in stored


def test_exif_orientation_is_applied(media_root):
    product, stored = _stored_image(media_root, _case("jpeg rotated by exif"))
    with Image.open(io.BytesIO(stored)) as img:
        assert img.size == (30, 60)  # 60x30 rotated by orientation 6
    assert (product.image.width, product.image.height) == (30, 60)


def test_metadata_kept_when_configured(settings, media_root):
    settings.MEDIADMIN_KEEP_IMAGE_METADATA = True
    _, stored = _stored_image(media_root, _case("jpeg with gps exif"))
    with Image.open(io.BytesIO(stored)) as img:
        assert img.getexif()[0x010F] == "SpyCam Inc."


def test_colour_profile_is_kept(media_root):
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 10, 10)).save(buf, "JPEG", icc_profile=profile)
    product = Product(name="ICC", image=SimpleUploadedFile("icc.jpg", buf.getvalue()))
    product.save()
    with Image.open(media_root / product.image.name) as img:
        assert img.info.get("icc_profile") == profile


def test_stored_extension_follows_the_detected_format(media_root):
    product, _ = _stored_image(media_root, _case("png named jpg"))
    assert product.image.name.endswith(".png")


def test_twenty_simultaneous_uploads_of_one_name_give_twenty_files(media_root):
    products = factories.store_simultaneously("same.jpg", 20)
    names = {p.image.name for p in products}
    assert len(names) == 20
    assert len(list((media_root / "product_images").iterdir())) == 20
    for product in products:  # each file holds its own upload
        with Image.open(media_root / product.image.name) as img:
            assert abs(img.getpixel((5, 400))[0] - int(product.name[1:])) <= 3


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_http_uploads_of_one_name_give_twenty_files(live_server, media_root, admin_user):
    """The same, end to end: 20 clients post an image named same.jpg to the gallery endpoint of a
    threaded server at once (a barrier releases them together); 20 rows, 20 files, each its own."""
    import threading

    import requests
    from django.test import Client

    product = factories.product("Target", with_image=False)
    staff = Client()
    staff.force_login(admin_user)
    token = "c" * 32  # a CSRF secret: cookie and header must agree
    cookies = {"sessionid": staff.cookies["sessionid"].value, "csrftoken": token}
    url = live_server.url + reverse("admin:mediadmin_product_upload", args=[product.pk, "images"])
    barrier = threading.Barrier(20)
    answers = {}

    def post(i):
        body = factories.image_bytes(color=(i * 10, 0, 0))
        barrier.wait()
        answers[i] = requests.post(url, files={"file": ("same.jpg", body, "image/jpeg")}, cookies=cookies,
                                   headers={"X-CSRFToken": token}, timeout=120)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers.values()) == [201] * 20, [a.text for a in answers.values()]
    rows = list(product.images.all())
    assert len(rows) == 20 and len({row.image.name for row in rows}) == 20
    assert len([p for p in (media_root / "product_gallery").rglob("*") if p.is_file()]) == 20
    reds = set()
    for row in rows:  # every stored file holds one of the 20 uploads, none twice
        with Image.open(media_root / row.image.name) as img:
            reds.add(round(img.getpixel((5, 400))[0] / 10))
    assert reds == set(range(20))


def test_no_upload_overwrites_an_existing_file(media_root):
    first = factories.product("A")
    target = media_root / first.image.name
    before = target.read_bytes()
    for _ in range(5):
        factories.product("A")
    assert target.read_bytes() == before


def test_rolled_back_transaction_leaves_no_file(files_in):
    with pytest.raises(RuntimeError), transaction.atomic():
        factories.product("Doomed", document=factories.pdf_upload())
        assert len(files_in()) == 2
        raise RuntimeError("rollback after the files were stored")
    filesafety.sweep()
    assert files_in() == [] and not Product.objects.exists()


def test_rolled_back_savepoint_inside_a_committed_transaction(files_in):
    with transaction.atomic():
        kept = factories.product("Kept")
        with pytest.raises(RuntimeError), transaction.atomic():
            factories.product("Doomed")
            raise RuntimeError
    filesafety.sweep()
    # The committed product's thumbnails are made after commit (cache/); the doomed one has none.
    assert files_in("product_images") == [kept.image.name]
    assert thumbnails.missing_sizes(kept.image) == []
    assert len(files_in("cache")) == len(django_settings.MEDIADMIN_THUMBNAIL_SIZES)


def test_failed_admin_request_leaves_no_file(admin_client, settings, tmp_path, files_in):
    """The product image is stored, then the document's storage fails: nothing stays."""
    (tmp_path / "not-a-dir").write_text("x")
    settings.MEDIADMIN_PRIVATE_ROOT = tmp_path / "not-a-dir" / "private"
    data = {"name": "Half", "slug": "half", "sku": "", "description": "",
            "image": factories.image_upload(), "document": factories.pdf_upload(),
            "images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0", "documents-TOTAL_FORMS": "0",
            "documents-INITIAL_FORMS": "0", "_save": "Save"}
    response = admin_client.post(reverse("admin:mediadmin_product_add"), data, follow=True)
    assert response.status_code == 200
    assert "could not be stored" in response.content.decode()
    assert not Product.objects.exists()
    assert files_in() == []


def test_failed_admin_change_is_a_message_and_changes_nothing(admin_client, settings, tmp_path):
    """The change view too: the document's storage fails, the page says so, the row is as it was."""
    product = factories.product("Kept", with_image=False)
    (tmp_path / "not-a-dir").write_text("x")
    settings.MEDIADMIN_PRIVATE_ROOT = tmp_path / "not-a-dir" / "private"
    data = {"name": "Renamed", "slug": product.slug, "sku": "", "description": "",
            "document": factories.pdf_upload(),
            "images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0", "documents-TOTAL_FORMS": "0",
            "documents-INITIAL_FORMS": "0", "_save": "Save"}
    response = admin_client.post(reverse("admin:mediadmin_product_change", args=[product.pk]), data,
                                 follow=True)
    assert response.status_code == 200
    assert "could not be stored" in response.content.decode()
    product.refresh_from_db()
    assert product.name == "Kept" and not product.document

def test_storage_failure_on_the_staff_form_is_a_clear_error(admin_client, settings, tmp_path, files_in):
    (tmp_path / "not-a-dir").write_text("x")
    settings.MEDIA_ROOT = tmp_path / "not-a-dir" / "media"
    response = admin_client.post(reverse("product_create"), {"name": "X", "image": factories.image_upload()})
    assert response.status_code == 503
    assert "photo.jpg could not be stored" in response.content.decode()
    assert not Product.objects.exists()


def test_code_paths_without_a_form_are_checked_too(files_in):
    from django.core.exceptions import ValidationError

    product = Product(name="Sneaky")
    product.document = SimpleUploadedFile("x.pdf", hostile.HTML)
    with pytest.raises(ValidationError):
        product.save()
    assert files_in() == [] and not Product.objects.exists()


@pytest.mark.parametrize("name,expected_stem", [
    ("../../etc/passwd", "passwd"), ("CON", "con"), ("文" * 90 + ".pdf", "文" * 20),
    ("invoice\u202efdp.exe", "invoicefdp"), ("...", "file"), ("", "file"),
    ("a\x00b.pdf", "ab"), (".htaccess", "htaccess"),
])
def test_safe_stem(name, expected_stem):
    assert filenames.safe_stem(name) == expected_stem
    assert len(filenames.safe_stem(name).encode()) <= filenames.STEM_MAX_BYTES


def test_display_name_drops_paths_controls_and_bidi():
    assert filenames.display_name("C:\\x\\in\u202evoice\x07.pdf") == "invoice.pdf"
    assert filenames.display_name("a" * 400).startswith("a") and len(filenames.display_name("a" * 400)) == 255


def test_original_name_is_escaped_in_the_admin(admin_client):
    product = factories.product("Esc")
    body, content_type = hostile.multipart(
        {"name": "Esc", "slug": "esc", "sku": "", "description": "", "images-TOTAL_FORMS": "0",
         "images-INITIAL_FORMS": "0", "documents-TOTAL_FORMS": "1", "documents-INITIAL_FORMS": "0",
         "documents-0-title": "", "documents-0-visibility": "public", "_save": "Save"},
        [("documents-0-file", "<img src=x onerror=alert(1)>.pdf", hostile.PDF)])
    url = reverse("admin:mediadmin_product_change", args=[product.pk])
    assert admin_client.generic("POST", url, body, content_type=content_type).status_code == 302
    doc = ProductDocument.objects.get()
    assert doc.original_name == "<img src=x onerror=alert(1)>.pdf"
    page = admin_client.get(url).content.decode()
    assert "<img src=x onerror" not in page and "&lt;img src=x onerror=alert(1)&gt;.pdf" in page


def test_gallery_dimensions_are_those_of_the_stored_upright_image():
    from mediadmin.models import ProductImage

    product = factories.product("Dims")
    gallery = ProductImage(product=product, image=SimpleUploadedFile(
        "r.jpg", _case("jpeg rotated by exif").data))
    gallery.save()
    gallery.refresh_from_db()
    assert (gallery.width, gallery.height) == (30, 60)
