"""Real-world broken images are refused by name and reason on every way in, never a 500;
what is accepted is re-encoded faithfully (every frame and its timing, no comments)."""
import io
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from mediadmin import imaging, thumbnails, validators
from mediadmin.models import Product, ProductImage
from mediadmin.services import uploads

from . import broken_images, factories

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass(frozen=True)
class Refusal:
    """A broken file and the exact refusal it must get."""

    label: str
    filename: str
    data: bytes
    message: str


REFUSALS = [
    Refusal("apng-bad-sequence", "spin.png", broken_images.apng_bad_sequence(),
            "spin.png is corrupt: frame 3 of 3 cannot be decoded."),
    Refusal("apng-missing-frame-data", "spin.png", broken_images.apng_missing_frame_data(),
            "spin.png is truncated: frame 3 of 3 is cut short or missing."),
    Refusal("apng-truncated-last-frame", "spin.png", broken_images.apng_truncated_last_frame(),
            "spin.png is truncated: frame 3 of 3 is cut short or missing."),
    Refusal("gif-frame-beyond-screen", "wide.gif", broken_images.gif_frame_beyond_screen(7000, 7000),
            "wide.gif has 49.0 megapixels (counting every frame at its real size); the limit is 40."),
    Refusal("gif-frame-beyond-pillow-limit", "wide.gif", broken_images.gif_frame_beyond_screen(20000, 20000),
            "wide.gif has a frame of 400.0 megapixels; the limit is 40."),
    Refusal("mpo-broken-second-image", "stereo.jpg", broken_images.mpo(broken_second=True),
            "stereo.jpg is truncated: frame 2 of 2 is cut short or missing."),
    Refusal("progressive-jpeg-1006-scans", "scans.jpg", broken_images.progressive_jpeg((64, 64), 1000),
            "scans.jpg is a JPEG of 1006 scans; the limit is 100."),
    Refusal("tiny-gif-named-png", "fake.png", broken_images.tiny_gif_with_huge_screen(),
            "fake.png has a frame of 400.0 megapixels; the limit is 40."),
]
IDS = [case.label for case in REFUSALS]


@pytest.fixture
def client_500(admin_client):
    """The superuser's client, showing a server error as a 500 response instead of raising it."""
    admin_client.raise_request_exception = False
    return admin_client


def _upload(case):
    return SimpleUploadedFile(case.filename, case.data, content_type="application/octet-stream")


def _admin_fields():
    return {"name": "Broken", "slug": "broken", "sku": "", "description": "",
            "images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0", "images-MIN_NUM_FORMS": "0",
            "images-MAX_NUM_FORMS": "1000", "documents-TOTAL_FORMS": "0", "documents-INITIAL_FORMS": "0",
            "documents-MIN_NUM_FORMS": "0", "documents-MAX_NUM_FORMS": "1000", "_save": "Save"}


def test_the_test_files_are_what_they_claim():
    """Each file is broken only where it says: its first frame (or header) reads fine."""
    for case in REFUSALS[:6]:
        assert imaging.probe(io.BytesIO(case.data)).width == (40 if "spin" in case.filename else
                                                               64 if "stereo" in case.filename else 100)
    assert imaging.probe(io.BytesIO(broken_images.mpo(broken_second=True))).format == "MPO"
    assert len(REFUSALS[-1].data) < 120
    # The many-scan JPEG is a real one: Pillow decodes it, scan after scan, when not refused.
    scans = REFUSALS[6].data
    assert imaging.count_jpeg_scans(scans) == 1006
    with Image.open(io.BytesIO(scans)) as img:
        img.load()
        assert img.getpixel((10, 10)) in range(120, 136)


@pytest.mark.parametrize("case", REFUSALS, ids=IDS)
def test_validator_names_the_file_and_the_reason(case):
    with pytest.raises(ValidationError) as excinfo:
        validators.validate_image_file(_upload(case))
    assert excinfo.value.messages == [case.message]


@pytest.mark.parametrize("case", REFUSALS, ids=IDS)
def test_upload_endpoint_answers_422_and_stores_nothing(client_500, files_in, case):
    product = factories.product(with_image=False)
    url = reverse("admin:mediadmin_product_upload", args=[product.pk, "images"])
    response = client_500.post(url, {"file": _upload(case)})
    assert response.status_code == 422, response.content[:500]
    assert response.json()["message"] == case.message
    assert not ProductImage.objects.exists() and files_in() == []


@pytest.mark.parametrize("case", REFUSALS, ids=IDS)
def test_admin_form_shows_the_error_and_stores_nothing(client_500, files_in, case):
    response = client_500.post(reverse("admin:mediadmin_product_add"), {**_admin_fields(), "image": _upload(case)})
    assert response.status_code == 200, response.status_code
    assert case.message in response.content.decode() and "errorlist" in response.content.decode()
    assert not Product.objects.exists() and files_in() == []


@pytest.mark.parametrize("case", REFUSALS, ids=IDS)
def test_staff_form_shows_the_error_and_stores_nothing(client_500, files_in, case):
    response = client_500.post(reverse("product_create"), {"name": "Broken", "image": _upload(case)})
    assert response.status_code == 400, response.status_code
    assert case.message in response.content.decode()
    assert not Product.objects.exists() and files_in() == []


def test_bulk_page_without_javascript_refuses_each_file_by_name_and_reason(client_500, files_in):
    product = factories.product("Lamp", with_image=False)
    files = [SimpleUploadedFile(f"{i}-{case.filename}", case.data) for i, case in enumerate(REFUSALS)]
    response = client_500.post(reverse("admin:mediadmin_product_bulk_upload"),
                               {"files": files, "target": "product", "product": product.pk})
    assert response.status_code == 200
    page = response.content.decode()
    for i, case in enumerate(REFUSALS):
        assert case.message.replace(case.filename, f"{i}-{case.filename}") in page, case.label
    assert not ProductImage.objects.exists() and files_in() == []


@pytest.mark.parametrize("case", REFUSALS[:3], ids=IDS[:3])
def test_a_model_saved_without_validation_is_refused_in_pre_save(files_in, case):
    """pre_save checks again: a broken file reaching it is a ValidationError, never another error."""
    product = Product(name="Direct", slug="direct", image=_upload(case))
    with pytest.raises(ValidationError) as excinfo:
        product.save()
    assert excinfo.value.messages == [case.message]
    assert not Product.objects.exists() and files_in() == []


def test_jpeg_scans_limit_is_a_setting(settings):
    settings.MEDIADMIN_MAX_JPEG_SCANS = 2000
    validators.validate_image_file(_upload(REFUSALS[6]))
    settings.MEDIADMIN_MAX_JPEG_SCANS = 5
    ordinary = broken_images.progressive_jpeg((64, 64), 0)  # libjpeg's own progression: 6 scans
    with pytest.raises(ValidationError, match="is a JPEG of 6 scans; the limit is 5."):
        validators.validate_image_file(SimpleUploadedFile("p.jpg", ordinary))


def test_scans_in_an_exif_thumbnail_are_not_counted():
    thumb = broken_images.progressive_jpeg((16, 16), 0)
    app1 = b"Exif\x00\x00" + thumb
    photo = broken_images.progressive_jpeg((64, 64), 0)
    data = photo[:2] + b"\xff\xe1" + (len(app1) + 2).to_bytes(2, "big") + app1 + photo[2:]
    assert imaging.count_jpeg_scans(data) == imaging.count_jpeg_scans(photo) == 6


@pytest.fixture
def reencodes(monkeypatch):
    """Counts calls of imaging.reencode (the real one runs)."""
    calls = []
    real = imaging.reencode
    monkeypatch.setattr(imaging, "reencode", lambda *args, **kwargs: calls.append(1) or real(*args, **kwargs))
    return calls


def test_the_service_decodes_and_re_encodes_an_image_once(reencodes):
    product = factories.product(with_image=False)
    uploads.gallery_image_upload(product=product, uploaded_file=factories.image_upload("a.jpg"))
    assert reencodes == [1]


@pytest.mark.parametrize("path", ["admin", "staff-form"])
def test_the_forms_decode_and_re_encode_an_image_once(client_500, reencodes, path):
    upload = factories.image_upload("main.jpg")
    if path == "admin":
        response = client_500.post(reverse("admin:mediadmin_product_add"), {**_admin_fields(), "image": upload})
    else:
        response = client_500.post(reverse("product_create"), {"name": "Once", "image": upload})
    assert response.status_code == 302 and Product.objects.get().image.name.endswith(".jpg")
    assert reencodes == [1]


# --- faithful re-encoding -------------------------------------------------------------------

def _stored_bytes(image):
    with image.image.open("rb") as stored:
        return stored.read()


def _upload_gallery(name, data):
    product = factories.product(with_image=False)
    return uploads.gallery_image_upload(product=product, uploaded_file=SimpleUploadedFile(name, data))


def _timeline(data):
    """(loop, frame count, [(duration, disposal, blend, composited RGB frame)]) of an animation."""
    with Image.open(io.BytesIO(data)) as img:
        out = []
        for index in range(img.n_frames):
            img.seek(index)
            frame = img.convert("RGBA")
            flat = Image.new("RGBA", img.size, (255, 255, 255, 255))
            flat.alpha_composite(frame)
            disposal = getattr(img, "disposal_method", img.info.get("disposal"))
            out.append((img.info.get("duration"), disposal, img.info.get("blend"), flat.convert("RGB")))
        return img.info.get("loop"), img.n_frames, out


def _mean_difference(a, b):
    pairs = zip(a.tobytes(), b.tobytes(), strict=True)
    return sum(abs(x - y) for x, y in pairs) / (a.width * a.height * 3)


ANIMATIONS = {  # format, parameters, pixel tolerance, whether disposal and blend are kept as they are
    "gif": ("GIF", {"disposal": [1, 2, 1, 0]}, 0, True),
    "gif-restore-previous": ("GIF", {"disposal": [1, 3, 2, 0]}, 0, False),
    "png": ("PNG", {"disposal": [0, 1, 0, 0], "blend": [0, 0, 1, 0]}, 0, True),
    "png-restore-previous": ("PNG", {"disposal": [0, 1, 2, 0], "blend": [0, 1, 0, 1]}, 0, False),
    "webp": ("WEBP", {"lossless": True}, 6, True),  # stored lossy: pixels close, not equal
}


@pytest.mark.parametrize("ext", ANIMATIONS)
@pytest.mark.parametrize("loop", [0, 3])
def test_animations_keep_every_frame_its_timing_disposal_and_the_loop(files_in, ext, loop):
    """Frame by frame: the same composited pixels, durations and loop count (and flags, where kept)."""
    fmt, params, tolerance, flags_kept = ANIMATIONS[ext]
    source = broken_images.animation(fmt, [120, 40, 300, 80], loop=loop, **params)
    image = _upload_gallery(f"anim.{fmt.lower()}", source)
    assert image.image.name.endswith("." + fmt.lower())
    stored = _stored_bytes(image)
    source_loop, source_count, source_frames = _timeline(source)
    stored_loop, stored_count, stored_frames = _timeline(stored)
    assert (stored_loop, stored_count) == (source_loop, source_count) == (loop, 4)
    for index, (before, after) in enumerate(zip(source_frames, stored_frames, strict=True)):
        assert after[0] == before[0], f"frame {index}"
        if flags_kept:
            assert after[1:3] == before[1:3], f"frame {index}"  # disposal, blend
        assert _mean_difference(before[3], after[3]) <= tolerance, f"frame {index}"
    assert [frame[0] for frame in stored_frames] == [120, 40, 300, 80]


def test_a_gif_frame_drawing_again_what_restore_to_previous_removed_stays_exact(files_in):
    """Frame 2 is shown then restored away; frame 3 draws it again with more (not Pillow-made)."""
    palette = [255, 255, 255, 220, 20, 20, 20, 200, 20, 20, 20, 220]
    both = Image.new("P", (20, 10), 1)
    both.paste(2, (10, 0, 20, 10))
    source = broken_images.gif_by_hand((30, 10), palette, [
        (Image.new("P", (30, 10), 0), (0, 0), 1, 100),
        (Image.new("P", (10, 10), 1), (10, 0), 3, 200),
        (both, (10, 0), 1, 300),
    ])
    stored = _stored_bytes(_upload_gallery("blink.gif", source))
    before, after = _timeline(source)[2], _timeline(stored)[2]
    assert [frame[0] for frame in after] == [100, 200, 300]
    for index, (one, other) in enumerate(zip(before, after, strict=True)):
        assert one[3].tobytes() == other[3].tobytes(), f"frame {index}"


def test_an_apng_with_a_default_image_outside_the_animation_keeps_it(files_in):
    images = broken_images.frames(3)
    source = io.BytesIO()
    images[0].save(source, "PNG", save_all=True, append_images=images[1:], default_image=True,
                   duration=[70, 90], loop=2)
    stored = _stored_bytes(_upload_gallery("spin.png", source.getvalue()))
    with Image.open(io.BytesIO(stored)) as img:
        assert img.is_animated and img.info.get("default_image") is True
    before, after = _timeline(source.getvalue()), _timeline(stored)
    assert after[:2] == before[:2] == (2, 3)
    assert [frame[:3] for frame in after[2]] == [frame[:3] for frame in before[2]]
    assert all(one[3].tobytes() == other[3].tobytes() for one, other in zip(before[2], after[2], strict=True))


def test_a_gif_without_a_loop_count_still_plays_once(files_in):
    source = io.BytesIO()
    images = broken_images.frames(2, mode="RGB")
    images[0].save(source, "GIF", save_all=True, append_images=images[1:], duration=[50, 70])
    stored = _stored_bytes(_upload_gallery("once.gif", source.getvalue()))
    assert _timeline(stored)[0] is None and _timeline(stored)[1] == 2


@pytest.mark.parametrize("name,data", [
    ("note.jpg", broken_images.jpeg_with_comment(b"secret-comment-xyz")),
    ("note.gif", broken_images.gif_with_comment(b"secret-comment-xyz")),
    ("anim.gif", broken_images.animation("GIF", [50, 60], comment=b"secret-comment-xyz")),
])
def test_comments_are_dropped(files_in, name, data):
    with Image.open(io.BytesIO(data)) as source:
        assert source.info.get("comment") == b"secret-comment-xyz"
    stored = _stored_bytes(_upload_gallery(name, data))
    assert b"secret-comment-xyz" not in stored
    with Image.open(io.BytesIO(stored)) as img:
        for index in range(getattr(img, "n_frames", 1)):
            img.seek(index)
            assert "comment" not in img.info


def test_an_mpo_is_stored_as_a_plain_jpeg_of_its_first_image(files_in):
    data = broken_images.mpo()
    image = _upload_gallery("stereo.mpo", data)
    assert image.image.name.endswith(".jpg")
    with Image.open(io.BytesIO(_stored_bytes(image))) as stored, Image.open(io.BytesIO(data)) as source:
        assert stored.format == "JPEG" and getattr(stored, "n_frames", 1) == 1
        assert _mean_difference(source.convert("RGB"), stored.convert("RGB")) < 4
    field = ProductImage._meta.get_field("image")
    fresh = ProductImage(product=image.product, image=SimpleUploadedFile("other.mpo", data))
    content, extension = field.prepare_content(fresh.image)
    assert (content.content_type, extension) == ("image/jpeg", "jpg")


# --- thumbnails of every PNG mode ----------------------------------------------------------

def _png(mode, **params):
    if mode == "P":
        img = Image.new("P", (60, 40), 1)
        img.putpalette([0, 0, 0, 200, 40, 40])
        img.paste(0, (0, 0, 20, 40))
        params["bits"] = 1
    elif mode == "I;16":
        img = Image.new("I;16", (60, 40), 30000)
        img.paste(Image.new("I;16", (20, 40), 1000), (0, 0))  # (paste(1000) sets 0xE8E8 in I;16)
    else:
        img = Image.new(mode, (60, 40))
    buf = io.BytesIO()
    img.save(buf, "PNG", **params)
    return buf.getvalue()


PNG_MODES = {
    "1": _png("1"), "1 with tRNS": _png("1", transparency=0), "L": _png("L"), "L with tRNS": _png("L", transparency=0),
    "I;16 (16-bit grey)": _png("I;16"), "I;16 with tRNS": _png("I;16", transparency=1000),
    "P 1-bit with tRNS": _png("P", transparency=0), "LA": _png("LA"), "RGBA": _png("RGBA"),
    "RGB with tRNS": _png("RGB", transparency=(0, 0, 0)),
}


@pytest.mark.parametrize("label", PNG_MODES)
def test_every_png_mode_gets_its_thumbnails(media_root, label):
    """Made by the task the upload's commit enqueues (the immediate backend runs it at once)."""
    image = _upload_gallery("mode.png", PNG_MODES[label])
    assert thumbnails.missing_sizes(image.image) == []
    with Image.open(media_root / thumbnails.known(image.image, "detail").name) as made:
        made = made.convert("RGBA")
        left, right = made.getpixel((1, made.height // 2)), made.getpixel((made.width - 2, made.height // 2))
    if "tRNS" in label:  # the transparent colour or level became transparent
        assert left[3] == 0, left
    if label.startswith("I;16"):  # 16-bit levels scaled to 8 bits, not clipped to white
        assert abs(right[0] - 30000 / 256) <= 3 and right[3] == 255, right
