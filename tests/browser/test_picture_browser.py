"""The product page's <picture> in a real Chromium: it picks the AVIF of the width its layout needs,
reserves the image's box before it loads, and every image it loads was made ahead; screenshots of the page
and of its markup (view-source) for the README."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from mediadmin import services, thumbnails
from mediadmin.demo import photo_like_image
from mediadmin.models import Product
from mediadmin.settings import MEDIADMIN_RESPONSIVE_SIZES as PRODUCTION_RESPONSIVE_SIZES

pytestmark = pytest.mark.django_db(transaction=True)

MAIN_IMAGE_JS = """() => { const img = document.querySelector('img.main-image');
    const box = img.getBoundingClientRect();
    return {src: img.currentSrc, width: box.width, height: box.height,
            complete: img.complete}; }"""
RESOURCES_JS = """() => performance.getEntriesByType('resource')
    .filter(e => e.initiatorType === 'img' && e.name.includes('/media/')).map(e => new URL(e.name).pathname)"""


@pytest.fixture
def camera_product(settings, media_root):
    settings.MEDIADMIN_RESPONSIVE_SIZES = PRODUCTION_RESPONSIVE_SIZES
    upload = SimpleUploadedFile("camera.jpg", photo_like_image(2400, 1800, seed=7), "image/jpeg")
    with transaction.atomic():  # the variants are made after commit, as on a live site
        product = services.product_save(product=Product(
            name="Walking boot", slug="walking-boot", image=upload, image_alt_text="A brown leather walking boot",
            description="Full-grain leather, a rubber sole and a padded collar."))
    assert thumbnails.missing_sizes(product.image) == []
    return product


def test_chromium_loads_the_avif_its_layout_needs(page, live_server, camera_product, screenshot):
    page.set_viewport_size({"width": 1280, "height": 800})
    # Before the image arrives its box is already sized from width/height: no layout shift.
    page.route("**/media/cache/**", lambda route: None)  # hold every image request
    page.goto(f"{live_server.url}{camera_product.get_absolute_url()}", wait_until="domcontentloaded")
    held = page.evaluate(MAIN_IMAGE_JS)
    assert not held["complete"] and held["height"] == pytest.approx(held["width"] * 0.75, abs=1)
    page.unroute("**/media/cache/**")
    page.goto(f"{live_server.url}{camera_product.get_absolute_url()}", wait_until="networkidle")
    shown = page.evaluate(MAIN_IMAGE_JS)
    # The column is 526 px wide at 1280 px: the smallest candidate above it is the 800 px AVIF.
    assert shown["src"].endswith(thumbnails.known(camera_product.image, "detail@800.avif").url)
    assert shown["height"] == pytest.approx(shown["width"] * 0.75, abs=1)
    made = {thumbnails.known(camera_product.image, name).url for name in thumbnails.variant_names("detail")}
    made.add(thumbnails.known(camera_product.image, "detail").url)  # the <img src> fallback
    loaded = page.evaluate(RESOURCES_JS)
    assert loaded and set(loaded) <= made  # every image the page loaded was made ahead
    screenshot(page, "product-page")


def test_screenshot_of_the_picture_markup(page, live_server, camera_product, screenshot):
    page.set_viewport_size({"width": 1100, "height": 600})
    page.goto(f"view-source:{live_server.url}{camera_product.get_absolute_url()}")
    page.check("input[type=checkbox]")  # Chromium's "Line wrap": the <picture> is one long line
    line = page.locator("tr", has_text="<picture>")
    assert line.count() == 1
    markup = line.inner_text()
    assert markup.count('type="image/avif"') == 1 and 'decoding="async"' in markup
    assert 'width="800" height="600"' in markup and "1000w" in markup
    screenshot(line, "picture-markup")


def test_a_cmyk_uploads_variants_show_the_profiles_colours_in_chromium(page, live_server, settings, media_root):
    """The AVIF and WebP of a print-ready upload are untagged sRGB: Chromium shows the colours the profile gives.

    (Not compared with Chromium's own rendering of the CMYK original: it folds black ink into
    C, M and Y, so its 100 % K comes out dark red with this profile, and 100 % magenta of a SWOP
    profile as (235, 41, 144) where LittleCMS and Photoshop give (236, 0, 140).)
    """
    from PIL import Image

    from ..icc import cmyk_profile
    from ..test_colour_profiles import INKS, band_colours, close, cmyk_jpeg

    settings.MEDIADMIN_RESPONSIVE_SIZES = PRODUCTION_RESPONSIVE_SIZES
    upload = SimpleUploadedFile("catalogue.jpg", cmyk_jpeg(cmyk_profile(), size=(800, 200)), "image/jpeg")
    with transaction.atomic():
        product = services.product_save(product=Product(name="Inks", image=upload, image_alt_text="Inks"))
    names = ["detail@400.avif", "detail@400.webp", "detail@400"]
    page.set_content("".join(f'<img id="v{i}" src="{live_server.url}{thumbnails.known(product.image, name).url}" '
                             'width="400" height="100">' for i, name in enumerate(names)))
    page.wait_for_function("[...document.images].every(i => i.complete && i.naturalWidth)")
    for i, name in enumerate(names):
        with Image.open(io.BytesIO(page.locator(f"#v{i}").screenshot())) as shot:
            assert close(band_colours(shot), [rgb for _, rgb in INKS.values()], tolerance=10), name


SLOTS_JS = """() => [...document.querySelectorAll('picture img')].map(img => ({
    alt: img.alt, shown: img.getBoundingClientRect().width,
    // With w descriptors the density-corrected natural width is the slot the browser took from `sizes`.
    slot: img.naturalWidth}))"""


VIEWPORTS = [360, 390, 547, 548, 600, 700, 701, 768, 807, 808, 1024, 1067, 1068, 1100, 1147, 1148, 1280, 1920]


def test_sizes_say_how_wide_the_layout_shows_each_picture(page, live_server, settings, media_root):
    """At every layout breakpoint (and either side of it), list and product page alike."""
    settings.MEDIADMIN_RESPONSIVE_SIZES = PRODUCTION_RESPONSIVE_SIZES
    for number in range(5):
        upload = SimpleUploadedFile(f"p{number}.jpg", photo_like_image(800, 600, seed=number), "image/jpeg")
        with transaction.atomic():
            product = services.product_save(product=Product(name=f"Lamp {number}", image=upload,
                                                            image_alt_text=f"Lamp {number}"))
    wrong = []
    for viewport in VIEWPORTS:
        page.set_viewport_size({"width": viewport, "height": 900})
        for url in ("/", product.get_absolute_url()):
            page.goto(f"{live_server.url}{url}", wait_until="networkidle")
            # A slot narrower than the picture shows it enlarged and blurred; a wider one wastes bytes.
            wrong += [(viewport, url, picture) for picture in page.evaluate(SLOTS_JS)
                      if abs(picture["shown"] - picture["slot"]) > 2]
    assert not wrong
