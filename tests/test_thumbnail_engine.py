"""mediadmin's sorl engine: the default engine's output, faster, with orientation, alpha, first frames."""
import io

import pytest
from PIL import Image, ImageChops, ImageStat, UnidentifiedImageError
from sorl.thumbnail import get_thumbnail
from sorl.thumbnail.base import ThumbnailBackend
from sorl.thumbnail.engines.pil_engine import Engine as SorlEngine
from sorl.thumbnail.parsers import parse_geometry

from mediadmin.demo import photo_like_image
from mediadmin.models import Product
from mediadmin.thumbnail_engine import Engine

pytestmark = pytest.mark.django_db


class Source:
    """Bytes standing in for a stored file (what the engine's get_image reads)."""

    def __init__(self, data):
        self.data = data

    def read(self):
        return self.data


def make(engine, data, geometry_string, fmt="JPEG", **options):
    """Run an engine the way sorl's backend does; return the thumbnail as a Pillow image."""
    options = dict(ThumbnailBackend.default_options, format=fmt, **options)
    image = engine.get_image(Source(data))
    options["image_info"] = engine.get_image_info(image)
    geometry = parse_geometry(geometry_string, engine.get_image_ratio(image, options))
    return engine.create(image, geometry, options)


def mean_difference(a, b):
    """Mean absolute difference per channel, 0-255."""
    stat = ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB")))
    return sum(stat.mean) / 3


@pytest.fixture(scope="module")
def big_jpeg():
    """A photo-like 3000x2000 JPEG (6 MP keeps the test quick; the bench uses 12 MP)."""
    return photo_like_image(3000, 2000, seed=5)


@pytest.mark.parametrize("geometry, options", [
    ("64x64", {"crop": "center"}), ("200x200", {"crop": "center"}), ("320x240", {"crop": "center"}),
    ("360x360", {}), ("800x800", {}), ("x150", {}),
])
def test_same_result_as_sorls_default_engine(big_jpeg, geometry, options):
    ours, sorls = make(Engine(), big_jpeg, geometry, **options), make(SorlEngine(), big_jpeg, geometry, **options)
    assert ours.size == sorls.size
    assert mean_difference(ours, sorls) < 1.5


def test_a_jpeg_is_decoded_at_reduced_scale(big_jpeg):
    engine = Engine()
    image = engine.get_image(Source(big_jpeg))
    options = dict(ThumbnailBackend.default_options, crop="center")
    drafted = engine._draft(image, (200, 200), options)
    # DCT scaling: decoded at 1/4 (never below twice the target, see REDUCING_GAP).
    assert drafted.size == (750, 500)


def _jpeg_with_orientation(orientation):
    img = Image.new("RGB", (1600, 800), "red")  # large enough to be drafted
    img.paste(Image.new("RGB", (800, 800), "blue"), (800, 0))
    exif = Image.Exif()
    exif[0x0112] = orientation
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def test_exif_orientation_is_respected_like_sorls_default():
    data = _jpeg_with_orientation(6)  # stored landscape, shown rotated 90° clockwise
    ours, sorls = make(Engine(), data, "100x100"), make(SorlEngine(), data, "100x100")
    assert ours.size == sorls.size == (50, 100)
    assert mean_difference(ours, sorls) < 2
    assert ours.getpixel((25, 10))[0] > 200  # the left (red) half is now on top
    assert ours.getpixel((25, 90))[2] > 200


def _stored(media_root, name, data):
    (media_root / "product_images").mkdir(exist_ok=True)
    (media_root / "product_images" / name).write_bytes(data)
    return Product.objects.create(name=name, slug=name.replace(".", "-"), image=f"product_images/{name}").image


def _rgba_bytes(fmt):
    img = Image.new("RGBA", (300, 200), (10, 120, 200, 255))
    img.paste((0, 0, 0, 0), (0, 0, 150, 200))  # left half fully transparent
    buf = io.BytesIO()
    img.save(buf, fmt)
    return buf.getvalue()


@pytest.mark.parametrize("fmt, name", [("PNG", "alpha.png"), ("WEBP", "alpha.webp")])
def test_alpha_is_kept_in_png_and_webp(media_root, fmt, name):
    thumb = get_thumbnail(_stored(media_root, name, _rgba_bytes(fmt)), "150x100")
    with Image.open(media_root / thumb.name) as img:
        assert (img.format, img.mode) == (fmt, "RGBA")
        assert img.getpixel((10, 50))[3] == 0 and img.getpixel((140, 50))[3] == 255


def test_webp_output_keeps_alpha(media_root):
    thumb = get_thumbnail(_stored(media_root, "alpha.png", _rgba_bytes("PNG")), "150x100", format="WEBP")
    assert thumb.name.endswith(".webp")
    with Image.open(media_root / thumb.name) as img:
        assert (img.format, img.mode) == ("WEBP", "RGBA")


def test_first_frame_of_an_animation(media_root):
    frames = [Image.new("RGB", (200, 200), color) for color in ("red", "blue", "green")]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    thumb = get_thumbnail(_stored(media_root, "anim.gif", buf.getvalue()), "50x50")
    with Image.open(media_root / thumb.name) as img:
        assert not getattr(img, "is_animated", False)
        red, green, blue = img.convert("RGB").getpixel((25, 25))
        assert red > 200 and blue < 50


def test_only_allowed_formats_are_opened():
    eps = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n"
    with pytest.raises(UnidentifiedImageError):
        Engine().get_image(Source(eps))
    assert not Engine().is_valid_image(eps)
    assert Engine().is_valid_image(photo_like_image(64, 48, seed=1))


def test_camera_jpegs_opened_as_mpo_are_drafted_too():
    buf = io.BytesIO()
    Image.new("RGB", (1600, 1200), "red").save(
        buf, "MPO", save_all=True, append_images=[Image.new("RGB", (160, 120), "blue")])
    engine = Engine()
    image = engine.get_image(Source(buf.getvalue()))
    assert image.format == "MPO"
    options = dict(ThumbnailBackend.default_options, crop="center")
    assert engine._draft(image, (100, 100), options).size == (400, 300)
    thumb = make(Engine(), buf.getvalue(), "100x100", crop="center")
    assert thumb.size == (100, 100) and thumb.getpixel((50, 50))[0] > 200  # the main image, red


def _zlib_flevel(png):
    """The compression-level class a PNG's first IDAT announces (0 fastest ... 3 maximum)."""
    start = png.index(b"IDAT") + 4
    return png[start + 1] >> 6


@pytest.mark.parametrize("level, flevel", [(None, 3), (1, 0), (3, 1), (9, 3)])
def test_png_thumbnails_use_the_configured_zlib_level_and_keep_every_pixel(media_root, settings, level, flevel):
    from PIL import ImageCms

    source = Image.new("RGBA", (300, 200), (10, 120, 200, 255))
    source.paste((0, 0, 0, 0), (0, 0, 150, 200))
    buf = io.BytesIO()
    source.save(buf, "PNG", icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    settings.MEDIADMIN_PNG_COMPRESS_LEVEL = level
    thumb = get_thumbnail(_stored(media_root, f"level-{level}.png", buf.getvalue()), "150x100")
    data = (media_root / thumb.name).read_bytes()
    assert _zlib_flevel(data) == flevel  # sorl's own optimize=1 is zlib's maximum class
    with Image.open(io.BytesIO(data)) as img:
        assert (img.format, img.mode, img.size) == ("PNG", "RGBA", (150, 100))
        assert img.info.get("icc_profile")
        assert img.getpixel((10, 50)) == (0, 0, 0, 0) and img.getpixel((140, 50)) == (10, 120, 200, 255)


def test_a_png_compress_level_outside_zlibs_range_is_a_system_check_error(settings):
    from mediadmin import checks

    assert checks.check_png_compress_level(None) == []
    settings.MEDIADMIN_PNG_COMPRESS_LEVEL = None
    assert checks.check_png_compress_level(None) == []
    for wrong in (10, "fast"):
        settings.MEDIADMIN_PNG_COMPRESS_LEVEL = wrong
        [error] = checks.check_png_compress_level(None)
        assert error.id == "mediadmin.E011"
