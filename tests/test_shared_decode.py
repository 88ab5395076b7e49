"""thumbnails.warm() decodes a source once for all its sizes, with the same thumbnails as before."""
import gc
import io
import logging
import weakref
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from PIL import Image
from sorl.thumbnail.base import ThumbnailBackend
from sorl.thumbnail.engines.pil_engine import Engine as SorlEngine

from mediadmin import thumbnail_engine, thumbnails
from mediadmin.demo import photo_like_image
from mediadmin.models import Product

from .test_thumbnail_engine import _jpeg_with_orientation, make, mean_difference

pytestmark = pytest.mark.django_db

SIZES = list(settings.MEDIADMIN_THUMBNAIL_SIZES)


@pytest.fixture(scope="module")
def big_jpeg():
    """A photo-like 3000x2000 JPEG: large enough for every size to be drafted."""
    return photo_like_image(3000, 2000, seed=7)


def _stored(media_root, name, data):
    # Written straight to storage: no upload, so no thumbnail is made before the test's warm().
    (media_root / "product_images").mkdir(exist_ok=True)
    (media_root / "product_images" / name).write_bytes(data)
    return Product.objects.create(name=name, slug=name.replace(".", "-"), image=f"product_images/{name}").image


@pytest.fixture
def decodes(monkeypatch):
    """Counts pixel decodes: Pillow asks for one decoder per load() of an image (count only)."""
    calls = []
    real = Image._getdecoder

    def counting(*args, **kwargs):
        calls.append(args[1] if len(args) > 1 else None)
        return real(*args, **kwargs)

    monkeypatch.setattr(Image, "_getdecoder", counting)
    return calls


def _thumbnail_images(media_root, field_file):
    """{size name: the stored thumbnail, decoded} of every size that was made."""
    found = {}
    for size in SIZES:
        thumb = thumbnails.known(field_file, size)
        if thumb is not None:
            with Image.open(media_root / thumb.name) as img:
                img.load()
                found[size] = img.copy()
    return found


class _Written:
    """Where sorl's engine writes a thumbnail: keeps the bytes."""

    def write(self, raw):
        self.raw = raw


def _sorls(data, size, fmt="JPEG"):
    """sorl's default engine's thumbnail in a named size, written (and read back) as warm() writes it."""
    geometry, options = thumbnails.size_spec(size)
    engine, written = SorlEngine(), _Written()
    thumb = make(engine, data, geometry, fmt, **options)
    engine.write(thumb, dict(ThumbnailBackend.default_options, format=fmt, **options), written)
    with Image.open(io.BytesIO(written.raw)) as img:
        img.load()
        return img.copy()


def test_every_size_is_made_from_one_decode_within_tolerance_of_sorls_engine(media_root, big_jpeg, decodes):
    image = _stored(media_root, "shared.jpg", big_jpeg)
    assert thumbnails.warm(image) == len(SIZES)
    assert len(decodes) == 1
    made = _thumbnail_images(media_root, image)
    assert sorted(made) == sorted(SIZES)
    for size, thumb in made.items():
        sorls = _sorls(big_jpeg, size)
        assert thumb.size == sorls.size, size
        # The tolerance of tests/test_thumbnail_engine.py; both written as JPEG by sorl's write().
        assert mean_difference(thumb, sorls) < 1.5, size


def test_without_sharing_each_size_decodes_and_the_names_are_the_same(media_root, big_jpeg, decodes):
    image = _stored(media_root, "own.jpg", big_jpeg)
    assert thumbnails.warm(image, share_decode=False) == len(SIZES)
    assert len(decodes) == len(SIZES)
    names = {size: thumbnails.known(image, size).name for size in SIZES}
    thumbnails.delete_thumbnails(image)
    decodes.clear()
    assert thumbnails.warm(image) == len(SIZES)
    assert len(decodes) == 1
    assert {size: thumbnails.known(image, size).name for size in SIZES} == names


def test_a_png_is_decoded_once_too(media_root, decodes):
    buf = io.BytesIO()
    Image.open(io.BytesIO(photo_like_image(1200, 800, seed=3))).convert("RGBA").save(buf, "PNG")
    image = _stored(media_root, "shared.png", buf.getvalue())
    decodes.clear()  # making the test image decoded a JPEG
    assert thumbnails.warm(image) == len(SIZES)
    assert len(decodes) == 1
    made = _thumbnail_images(media_root, image)
    for size, thumb in made.items():
        sorls = _sorls(buf.getvalue(), size, fmt="PNG")
        assert thumb.size == sorls.size and thumb.mode == "RGBA", size
        assert mean_difference(thumb, sorls) < 1.5, size


def test_a_png_over_the_sharing_limit_keeps_a_decode_per_size(media_root, decodes, monkeypatch):
    """Memory first: a large non-JPEG is not held decoded beside each size's working copy."""
    from mediadmin import thumbnail_engine

    monkeypatch.setattr(thumbnail_engine, "SHARED_DECODE_MAX_PIXELS", 1200 * 800 - 1)
    buf = io.BytesIO()
    Image.open(io.BytesIO(photo_like_image(1200, 800, seed=4))).convert("RGBA").save(buf, "PNG")
    image = _stored(media_root, "large.png", buf.getvalue())
    decodes.clear()
    assert thumbnails.warm(image) == len(SIZES)
    assert len(decodes) >= len(SIZES)


def test_exif_orientation_is_respected_from_the_shared_decode(media_root, decodes):
    data = _jpeg_with_orientation(6)  # stored landscape, shown rotated 90° clockwise
    image = _stored(media_root, "rotated.jpg", data)
    assert thumbnails.warm(image) == len(SIZES)
    assert len(decodes) == 1
    for size, thumb in _thumbnail_images(media_root, image).items():
        sorls = _sorls(data, size)
        assert thumb.size == sorls.size, size
        assert mean_difference(thumb, sorls) < 2, size
    preview = _thumbnail_images(media_root, image)["admin_preview"]
    assert preview.size == (180, 360)
    assert preview.getpixel((90, 20))[0] > 200 and preview.getpixel((90, 340))[2] > 200


def test_the_first_frame_of_an_animation(media_root):
    frames = [Image.new("RGB", (200, 200), color) for color in ("red", "blue", "green")]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    image = _stored(media_root, "anim.gif", buf.getvalue())
    assert thumbnails.warm(image) == len(SIZES)
    with Image.open(media_root / thumbnails.known(image, "admin_list").name) as img:
        assert img.format == "GIF" and not getattr(img, "is_animated", False)
        red, green, blue = img.convert("RGB").getpixel((32, 32))
        assert red > 200 and blue < 50


def test_a_cropbox_size_keeps_its_own_decode_and_result(settings, media_root, big_jpeg, decodes):
    settings.MEDIADMIN_THUMBNAIL_SIZES = {
        **settings.MEDIADMIN_THUMBNAIL_SIZES, "boxed": ("100x100", {"cropbox": "0,0,1000,1000"})}
    image = _stored(media_root, "boxed.jpg", big_jpeg)
    assert thumbnails.warm(image, share_decode=False) == 7
    unshared = (media_root / thumbnails.known(image, "boxed").name).read_bytes()
    thumbnails.delete_thumbnails(image)
    decodes.clear()
    assert thumbnails.warm(image) == 7
    assert len(decodes) == 2  # the shared one, and the cropbox size's own
    assert (media_root / thumbnails.known(image, "boxed").name).read_bytes() == unshared


def test_nothing_is_kept_after_warm_returns(media_root, big_jpeg, monkeypatch):
    seen = []
    real = thumbnail_engine.Engine._decode_for

    def recording(self, image, plan):
        decoded = real(self, image, plan)
        seen.append((thumbnail_engine.shared_state(), weakref.ref(decoded)))
        return decoded

    monkeypatch.setattr(thumbnail_engine.Engine, "_decode_for", recording)
    thumbnails.warm(_stored(media_root, "kept.jpg", big_jpeg))
    [(state, decoded)] = seen
    assert thumbnail_engine.shared_state() is None
    assert state.decoded is None and state.opened is None
    gc.collect()
    assert decoded() is None  # no reference left anywhere: the pixels are freed


def test_the_shared_decode_is_per_thread():
    with thumbnail_engine.shared_decode("product_images/a.jpg", []) as state:
        assert thumbnail_engine.shared_state() is state
        with ThreadPoolExecutor(max_workers=1) as pool:
            assert pool.submit(thumbnail_engine.shared_state).result() is None
    assert thumbnail_engine.shared_state() is None


def test_a_corrupt_source_still_gets_the_placeholder_and_is_remembered(media_root, big_jpeg, caplog):
    image = _stored(media_root, "corrupt.jpg", big_jpeg[: len(big_jpeg) // 3])  # header fine, pixels cut
    with caplog.at_level(logging.WARNING):
        assert thumbnails.warm(image) == 0
    warnings = [r for r in caplog.records if "could not be made" in r.getMessage()]
    assert len(warnings) == 1 and "corrupt source" in warnings[0].getMessage()
    assert thumbnail_engine.shared_state() is None
    for size in SIZES:
        assert thumbnails.thumbnail_url(image, size) == thumbnails.placeholder_url()
    assert not (media_root / "cache").exists() or not any((media_root / "cache").rglob("*.jpg"))
