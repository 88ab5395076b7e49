"""Set a focal point by clicking the preview (and with the keyboard), save, see the new crop in the changelist."""
import io

import pytest
from django.db import transaction
from PIL import Image

from mediadmin import services
from mediadmin.models import Product

from .. import factories
from ..test_focal_point import panorama, panorama_product, panorama_upload
from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def _red_share(png):
    with Image.open(io.BytesIO(png)) as shot:
        pixels = shot.convert("RGB").resize((16, 16)).get_flattened_data()
        return sum(1 for r, g, b in pixels if r > 180 and g < 90) / 256


def test_click_the_preview_then_the_changelist_shows_the_new_crop(page, live_server, admin_user, media_root,
                                                                   screenshot):
    product = panorama_product(image_alt_text="Sky")
    login(page, live_server, admin_user)
    page.goto(f"{live_server.url}/admin/mediadmin/product/")
    thumb = page.locator("img.mediadmin-thumb").first
    assert _red_share(thumb.screenshot()) < 0.02  # centre crop: grey sky
    page.goto(f"{live_server.url}/admin/mediadmin/product/{product.pk}/change/")
    image = page.locator("div.form-row.field-image .mediadmin-current img")
    box = image.bounding_box()
    image.click(position={"x": box["width"] * 0.92, "y": box["height"] * 0.5})
    x, y = int(page.input_value("#id_image_focal_x")), int(page.input_value("#id_image_focal_y"))
    assert abs(x - 92) <= 1 and abs(y - 50) <= 1  # within a pixel of the click
    assert page.locator("div.form-row.field-image .mediadmin-focal-marker").first.is_visible()
    page.locator("div.form-row.field-image .mediadmin-current").focus()
    page.keyboard.press("ArrowLeft")
    assert page.input_value("#id_image_focal_x") == str(x - 5)
    screenshot(page.locator("fieldset:has(div.form-row.field-image)"), "focal-point")
    page.click("input[name=_save]")
    page.wait_for_url(f"{live_server.url}/admin/mediadmin/product/")
    assert (Product.objects.get().image_focal_x, Product.objects.get().image_focal_y) == (x - 5, y)
    page.reload()
    assert _red_share(page.locator("img.mediadmin-thumb").first.screenshot()) > 0.03  # the disc, at the edge


def test_click_a_gallery_rows_preview_then_its_crops_follow(page, live_server, admin_user, media_root):
    from mediadmin import thumbnails
    from mediadmin.models import ProductImage

    product = factories.product("Lamp", image_alt_text="A lamp")
    with transaction.atomic():
        image = services.gallery_image_save(image=ProductImage(product=product, image=panorama_upload(),
                                                               alt_text="Sky"))
    login(page, live_server, admin_user)
    page.goto(f"{live_server.url}/admin/mediadmin/product/{product.pk}/change/")
    frame = page.locator("#images-group tr.has_original .mediadmin-focal-frame img").first
    box = frame.bounding_box()
    assert box["width"] > 2 * box["height"]  # the whole panorama, not the square crop
    frame.click(position={"x": box["width"] * 0.92, "y": box["height"] * 0.5})
    x = int(page.input_value("#id_images-0-focal_x"))
    assert abs(x - 92) <= 2 and page.locator("#images-group .mediadmin-focal-marker").first.is_visible()
    page.click("input[name=_continue]")
    page.wait_for_load_state()
    image.refresh_from_db()
    assert abs(image.focal_x - 92) <= 2 and image.focal_y is not None
    with Image.open(media_root / thumbnails.known(image.image, "gallery").name) as thumb:
        pixels = thumb.convert("RGB").resize((16, 16)).get_flattened_data()
        assert sum(1 for r, g, b in pixels if r > 180 and g < 90) >= 12  # the red disc is in the square


def test_a_new_file_starts_without_the_old_point_and_a_click_on_its_preview_sets_one(
        page, live_server, admin_user, media_root, tmp_path):
    product = panorama_product(image_alt_text="Sky", image_focal_x=92, image_focal_y=50)
    login(page, live_server, admin_user)
    url = f"{live_server.url}/admin/mediadmin/product/{product.pk}/change/"
    page.goto(url)
    current = page.locator("div.form-row.field-image .mediadmin-current")
    markers = page.locator("div.form-row.field-image .mediadmin-focal-marker")
    assert markers.first.is_visible() and page.input_value("#id_image_focal_x") == "92"
    (tmp_path / "other.jpg").write_bytes(panorama())
    page.set_input_files("#id_image", str(tmp_path / "other.jpg"))
    assert not markers.first.is_visible() and not markers.last.is_visible()  # no old point on either picture
    assert page.input_value("#id_image_focal_x") == "92"  # kept: a form sent back with errors still has it
    box = current.bounding_box()
    current.click(position={"x": box["width"] * 0.5, "y": box["height"] * 0.5}, force=True)
    assert page.input_value("#id_image_focal_x") == "92"  # the faded old picture is no longer a target
    assert current.get_attribute("tabindex") == "-1"
    page.set_input_files("#id_image", [])  # the choice taken back: the current picture and its point again
    assert markers.first.is_visible() and current.get_attribute("tabindex") == "0"
    page.set_input_files("#id_image", str(tmp_path / "other.jpg"))
    preview = page.locator("div.form-row.field-image .mediadmin-new-preview .mediadmin-focal-frame img")
    preview.wait_for(state="visible")
    box = preview.bounding_box()
    preview.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.5})
    assert abs(int(page.input_value("#id_image_focal_x")) - 25) <= 1 and markers.last.is_visible()
    page.click("input[name=_save]")
    page.wait_for_url(f"{live_server.url}/admin/mediadmin/product/")
    product.refresh_from_db()
    assert abs(product.image_focal_x - 25) <= 1 and "other" in product.image.name


def test_a_refused_new_file_leaves_the_current_images_point_alone(page, live_server, admin_user, media_root,
                                                                  tmp_path):
    product = panorama_product(image_alt_text="Sky", image_focal_x=92, image_focal_y=50)
    login(page, live_server, admin_user)
    page.goto(f"{live_server.url}/admin/mediadmin/product/{product.pk}/change/")
    (tmp_path / "broken.jpg").write_bytes(panorama()[:2000])  # a truncated JPEG: refused with a message
    page.set_input_files("#id_image", str(tmp_path / "broken.jpg"))
    page.click("input[name=_continue]")
    page.wait_for_load_state()
    assert page.locator(".errorlist").count() > 0
    assert page.input_value("#id_image_focal_x") == "92"  # sent back with the current image's point
    page.click("input[name=_continue]")  # saved again without a new file
    page.wait_for_load_state()
    product.refresh_from_db()
    assert (product.image_focal_x, product.image_focal_y) == (92, 50) and "panorama" in product.image.name
