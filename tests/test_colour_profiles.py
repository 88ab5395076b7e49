"""Print-ready CMYK uploads: thumbnails and variants in the colours the original is shown in, not Pillow's guess.

A CMYK JPEG carries the press's colour profile; browsers show it through that profile. Pillow's
plain convert("RGB") ignores it (cyan ink becomes screen cyan, black ink pure black), so the
thumbnails would not look like the picture staff uploaded. tests/icc.py makes the profile.
"""
import io
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from mediadmin import imaging, services, thumbnails
from mediadmin.models import FileVersion, Product
from mediadmin.settings import MEDIADMIN_RESPONSIVE_SIZES as PRODUCTION_RESPONSIVE_SIZES

from .icc import cmyk_profile
from .test_picture import _upload

pytestmark = pytest.mark.django_db(transaction=True)

# Each ink alone, full strength, through the test profile (relative colorimetric, as Chromium shows it).
INKS = {"cyan": ((255, 0, 0, 0), (0, 148, 210)), "magenta": ((0, 255, 0, 0), (232, 92, 158)),
        "yellow": ((0, 0, 255, 0), (253, 233, 80)), "black": ((0, 0, 0, 255), (48, 48, 48))}


def cmyk_jpeg(profile=b"", size=(1600, 400)):
    """Four vertical bands, one per ink, as a CMYK JPEG with the profile embedded (or none)."""
    image = Image.new("CMYK", size)
    band = size[0] // len(INKS)
    for i, (ink, _) in enumerate(INKS.values()):
        image.paste(ink, (i * band, 0, (i + 1) * band, size[1]))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95, **({"icc_profile": profile} if profile else {}))
    return buffer.getvalue()


def band_colours(image):
    """The RGB colour in the middle of each of the four bands."""
    rgb = image.convert("RGB")
    return [rgb.getpixel(((2 * i + 1) * rgb.width // 8, rgb.height // 2)) for i in range(len(INKS))]


def close(found, expected, tolerance=6):
    return all(abs(a - b) <= tolerance for pair in zip(found, expected, strict=True)
               for a, b in zip(*pair, strict=True))


@pytest.fixture
def responsive(settings, media_root):
    settings.MEDIADMIN_RESPONSIVE_SIZES = PRODUCTION_RESPONSIVE_SIZES
    return media_root


def test_the_conversion_follows_the_profile_not_pillows_guess():
    with Image.open(io.BytesIO(cmyk_jpeg(cmyk_profile()))) as image:
        image.load()
        assert close(band_colours(imaging.cmyk_to_srgb(image)), [rgb for _, rgb in INKS.values()])
        assert not close(band_colours(image.convert("RGB")), [rgb for _, rgb in INKS.values()], 40)


def test_every_size_and_variant_of_a_cmyk_upload_is_srgb_in_the_profiles_colours(responsive):
    product = _upload("catalogue", cmyk_jpeg(cmyk_profile()))
    assert thumbnails.missing_sizes(product.image) == []
    expected = [rgb for _, rgb in INKS.values()]
    for name in ["detail", "admin_preview", *thumbnails.variant_names("detail")]:
        with Image.open(responsive / thumbnails.known(product.image, name).name) as thumb:
            assert thumb.mode == "RGB" and "icc_profile" not in thumb.info  # untagged: sRGB
            assert close(band_colours(thumb), expected, tolerance=10), (name, band_colours(thumb))


def test_a_size_made_on_its_own_converts_the_same_way(responsive, settings):
    settings.MEDIADMIN_THUMBNAIL_SIZES = {**settings.MEDIADMIN_THUMBNAIL_SIZES,
                                          "wide": ("400x100", {"crop": "center"})}
    product = Product.objects.get(pk=_upload("catalogue", cmyk_jpeg(cmyk_profile())).pk)
    thumb = thumbnails.thumbnail(product.image, "wide")  # outside warm(): no shared decode
    with Image.open(responsive / thumb.name) as image:
        assert close(band_colours(image), [rgb for _, rgb in INKS.values()], tolerance=10)


def test_without_a_profile_or_with_a_broken_one_the_plain_conversion_is_used(responsive, caplog):
    plain = _upload("plain", cmyk_jpeg())
    with Image.open(responsive / thumbnails.known(plain.image, "detail").name) as thumb:
        assert close(band_colours(thumb), [(0, 255, 255), (255, 0, 255), (255, 255, 0), (0, 0, 0)], 10)
    broken = cmyk_profile()[:200]  # a header and a tag table pointing past the end
    with caplog.at_level(logging.WARNING, logger="mediadmin.imaging"):
        product = _upload("broken", cmyk_jpeg(broken))
    assert thumbnails.missing_sizes(product.image) == []
    assert "colour profile could not be used" in caplog.text


def test_a_replaced_cmyk_images_version_thumbnail_has_the_profiles_colours(responsive):
    product = _upload("catalogue", cmyk_jpeg(cmyk_profile(), size=(800, 200)))
    product.image = SimpleUploadedFile("new.png", _png(), "image/png")
    with transaction.atomic():
        services.product_save(product=product)
    version = FileVersion.objects.get()
    with Image.open(responsive / version.thumbnail) as thumb:
        assert close(band_colours(thumb), [rgb for _, rgb in INKS.values()], tolerance=12)


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 200, 10)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_grey_images_profile_is_not_written_into_its_rgb_thumbnails(responsive):
    from PIL import ImageCms

    grey_profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()  # not an RGB profile
    buffer = io.BytesIO()
    Image.new("L", (600, 400), 128).save(buffer, "JPEG", icc_profile=grey_profile)
    product = _upload("grey", buffer.getvalue())
    for name in ["detail", "detail@400.avif", "detail@400.webp"]:
        with Image.open(responsive / thumbnails.known(product.image, name).name) as thumb:
            assert "icc_profile" not in thumb.info, name


def test_an_rgb_images_profile_is_kept(responsive):
    from PIL import ImageCms

    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()  # stands for a Display P3 one
    buffer = io.BytesIO()
    Image.new("RGB", (600, 400), (200, 80, 40)).save(buffer, "JPEG", icc_profile=srgb)
    product = _upload("tagged", buffer.getvalue())
    for name in ["detail", "detail@400.avif", "detail@400.webp"]:
        with Image.open(responsive / thumbnails.known(product.image, name).name) as thumb:
            assert thumb.info.get("icc_profile") == srgb, name


def test_a_grey_pngs_profile_is_not_written_into_its_rgb_png_thumbnails(responsive):
    from PIL import ImageCms

    buffer = io.BytesIO()
    Image.new("L", (600, 400), 128).save(buffer, "PNG", icc_profile=ImageCms.ImageCmsProfile(
        ImageCms.createProfile("LAB")).tobytes())
    product = _upload("grey", buffer.getvalue(), "image/png")
    with Image.open(responsive / thumbnails.known(product.image, "detail@400").name) as thumb:
        assert thumb.format == "PNG" and "icc_profile" not in thumb.info
