"""Responsive, modern formats made ahead: variants after commit, <picture> markup, fallbacks before they exist."""
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.template import Context, Template
from PIL import Image

from mediadmin import services, thumbnails
from mediadmin.demo import photo_like_image
from mediadmin.models import Product
from mediadmin.settings import MEDIADMIN_RESPONSIVE_SIZES as PRODUCTION_RESPONSIVE_SIZES

from . import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def responsive(settings, media_root):
    settings.MEDIADMIN_RESPONSIVE_SIZES = PRODUCTION_RESPONSIVE_SIZES
    return settings


def _render(product, size="detail", **options):
    extra = " ".join(f'{key}={value}' for key, value in options.items())
    template = Template("{% load mediadmin_tags %}{% picture image '" + size + "' " + extra + " %}")
    return template.render(Context({"image": product.image}))


def _upload(name, data, content_type="image/jpeg"):
    with transaction.atomic():
        return services.product_save(product=Product(name=name, image=SimpleUploadedFile(
            f"{name}.{'png' if content_type.endswith('png') else 'jpg'}", data, content_type)))


def test_every_variant_is_made_after_commit_in_its_format_and_width(responsive, media_root):
    product = _upload("camera", photo_like_image(2400, 1600, seed=4))
    assert thumbnails.missing_sizes(product.image) == []
    for name in thumbnails.variant_names("detail"):
        thumb = thumbnails.known(product.image, name)
        width = int(re.search(r"@(\d+)", name).group(1))
        with Image.open(media_root / thumb.name) as img:
            assert img.width == width
            assert img.format == (name.rsplit(".", 1)[1].upper() if "." in name else "JPEG")


def test_picture_markup_lists_avif_webp_and_the_fallback(responsive):
    product = _upload("camera", photo_like_image(2400, 1600, seed=4))
    html = _render(product, alt='"A kettle"', css_class='"main-image"', lazy="False")
    avif, webp = re.findall(r'<source type="(image/\w+)" srcset="([^"]+)" sizes="([^"]+)"', html)
    assert avif[0] == "image/avif" and webp[0] == "image/webp"
    assert [int(w) for w in re.findall(r" (\d+)w", avif[1])] == PRODUCTION_RESPONSIVE_SIZES["detail"]["widths"]
    assert avif[2] == PRODUCTION_RESPONSIVE_SIZES["detail"]["sizes"]
    img = re.search(r"<img [^>]+>", html).group(0)
    assert 'srcset="' in img and 'width="800" height="533"' in img and 'alt="A kettle"' in img
    assert 'decoding="async"' in img and "loading=" not in img and 'class="main-image"' in img
    assert "fetchpriority" not in img
    assert 'loading="lazy"' in _render(product, size="gallery")
    first = re.search(r"<img [^>]+>", _render(product, priority="True")).group(0)  # the page's largest paint
    assert 'fetchpriority="high"' in first and "loading=" not in first


def test_a_small_source_is_never_enlarged_and_widths_are_not_repeated(responsive):
    product = _upload("small", factories.image_bytes(size=(500, 300)))
    html = _render(product)
    [avif] = re.findall(r'<source type="image/avif" srcset="([^"]+)"', html)
    assert re.findall(r" (\d+)w", avif) == ["400", "500"]


def test_before_the_variants_exist_the_page_falls_back_and_queues_them_once(responsive, settings):
    settings.MEDIADMIN_THUMBNAIL_MAKE_IN_REQUEST = False
    product = factories.product("Lamp")  # saved: the named sizes and variants are made after commit
    thumbnails.delete_thumbnails(product.image)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # a worker's queue
    from django_tasks import default_task_backend

    default_task_backend.clear()
    from mediadmin.thumbnails import memo

    memo.clear_pending(product.image)
    html = _render(product)
    assert "<source" not in html and "placeholder.svg" in html  # nothing made yet: the placeholder
    assert not memo.mark_pending(product.image)  # the page asked for them already, once:
    assert len(default_task_backend.results) == 1
    _render(product)
    assert len(default_task_backend.results) == 1
    memo.clear_pending(product.image)
    thumbnails.warm(product.image, ["detail", "detail@400.webp"])
    html = _render(product)
    assert '<source type="image/webp" srcset="' in html and "image/avif" not in html
    assert re.findall(r" (\d+)w", html) == ["400"] and 'width="800"' in html


@pytest.mark.parametrize("mode", ["RGBA", "LA", "P", "L", "1", "I;16"])
def test_every_png_mode_gets_its_variants(responsive, mode):
    image = Image.new("RGBA", (600, 400), (200, 80, 40, 128)).convert(mode) if mode != "I;16" else \
        Image.new("I;16", (600, 400), 40000)
    buf = io.BytesIO()
    image.save(buf, "PNG")
    product = _upload(f"png-{mode.replace(';', '')}", buf.getvalue(), "image/png")
    assert thumbnails.missing_sizes(product.image) == []
    assert "image/avif" in _render(product)


def test_public_pages_render_pictures(responsive, client):
    product = _upload("camera", photo_like_image(1600, 1200, seed=4))
    product.image_alt_text = "A camera"
    product.save()
    factories.gallery_image(product, alt_text="Back")
    thumbnails.warm(product.images.get().image)
    detail = client.get(product.get_absolute_url()).content.decode()
    assert detail.count("<picture>") == 2 and 'type="image/avif"' in detail
    assert detail.count('fetchpriority="high"') == 1  # the main image, not the gallery
    listing = client.get("/").content.decode()
    assert "<picture>" in listing and 'alt="A camera"' in listing
    assert listing.count('fetchpriority="high"') == 1  # the first card only
