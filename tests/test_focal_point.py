"""Focal points: cropped sizes keep the chosen point in view; changing it remakes the crops after commit."""
import io

import pytest
from django.db import transaction
from django.urls import reverse
from PIL import Image, ImageDraw

from mediadmin import services, thumbnails
from mediadmin.models import Product, ProductImage

from . import factories

pytestmark = pytest.mark.django_db(transaction=True)

CROPPED = ["admin_list", "card", "gallery"]


def panorama():
    """A 2400x600 grey sky with a red disc at the right edge (x ≈ 92 %)."""
    image = Image.new("RGB", (2400, 600), (150, 160, 170))
    ImageDraw.Draw(image).ellipse((2100, 150, 2400, 450), fill=(220, 20, 20))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def _is_red(media_root, field_file, size):
    with Image.open(media_root / thumbnails.known(field_file, size).name) as thumb:
        pixels = thumb.convert("RGB").resize((16, 16)).get_flattened_data()
        return sum(1 for r, g, b in pixels if r > 180 and g < 90) >= 12


def panorama_upload(name="panorama.jpg"):
    """The panorama as an uploaded file, as a form would receive it."""
    upload = factories.image_upload(name)
    upload.file = io.BytesIO(panorama())
    upload.size = len(upload.file.getvalue())
    return upload


def panorama_product(**fields):
    """A product saved through the service with the panorama as its main image (thumbnails after commit)."""
    with transaction.atomic():
        return services.product_save(product=Product(name="Panorama", image=panorama_upload(), **fields))


def test_without_a_focal_point_the_crop_is_centred(media_root):
    product = panorama_product()
    assert not any(_is_red(media_root, product.image, size) for size in CROPPED)


def test_the_focal_point_moves_every_cropped_size(media_root):
    product = panorama_product(image_focal_x=92, image_focal_y=50)
    assert all(_is_red(media_root, product.image, size) for size in CROPPED)
    with Image.open(media_root / thumbnails.known(product.image, "detail").name) as detail:
        assert detail.size == (800, 200)  # an uncropped size is unchanged


def test_changing_the_focal_point_remakes_the_crops_and_removes_the_old_ones(media_root):
    product = panorama_product()
    old = media_root / thumbnails.known(product.image, "card").name
    assert old.exists()
    product.image_focal_x, product.image_focal_y = 92, 50
    with transaction.atomic():
        services.product_save(product=product)
    product = Product.objects.get()
    assert not old.exists()
    assert thumbnails.missing_sizes(product.image) == []
    assert all(_is_red(media_root, product.image, size) for size in CROPPED)


def test_the_admin_form_sets_it_on_the_main_image_and_a_gallery_image(admin_client, media_root):
    product = panorama_product()
    url = reverse("admin:mediadmin_product_change", args=[product.pk])
    page = admin_client.get(url).content.decode()
    assert 'data-mediadmin-focal data-field="image" data-focal-x="image_focal_x"' in page
    assert "mediadmin/js/focal-point.js" in page
    data = {"name": "Panorama", "slug": product.slug, "sku": "", "description": "", "image_alt_text": "Sky",
            "image_focal_x": "92", "image_focal_y": "50",
            "images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0", "images-MIN_NUM_FORMS": "0",
            "images-MAX_NUM_FORMS": "1000", "documents-TOTAL_FORMS": "0", "documents-INITIAL_FORMS": "0",
            "documents-MIN_NUM_FORMS": "0", "documents-MAX_NUM_FORMS": "1000", "_save": "Save"}
    assert admin_client.post(url, data).status_code == 302
    assert _is_red(media_root, Product.objects.get().image, "card")
    gallery = ProductImage(product=product, image=factories.image_upload("g.jpg"))
    gallery.image.file = io.BytesIO(panorama())
    gallery.save()
    image_url = reverse("admin:mediadmin_productimage_change", args=[gallery.pk])
    assert 'data-focal-x="focal_x"' in admin_client.get(image_url).content.decode()
    response = admin_client.post(image_url, {"product": product.pk, "alt_text": "Sky", "position": "0",
                                             "focal_x": "92", "focal_y": "50"})
    assert response.status_code == 302
    assert _is_red(media_root, ProductImage.objects.get().image, "gallery")


def test_a_focal_point_outside_0_to_100_is_refused(admin_client, media_root):
    image = factories.gallery_image(factories.product("Lamp", image_alt_text="A lamp"))
    url = reverse("admin:mediadmin_productimage_change", args=[image.pk])
    response = admin_client.post(url, {"product": image.product.pk, "alt_text": "x", "position": "0",
                                       "focal_x": "150", "focal_y": "50"})
    assert response.status_code == 200 and ProductImage.objects.get().focal_x is None


def test_a_setting_asks_for_a_guess_when_no_focal_point_is_set(media_root, settings):
    settings.MEDIADMIN_FOCAL_GUESS = True
    product = panorama_product()  # the busy red disc against a flat sky: the guess keeps it
    assert _is_red(media_root, product.image, "card")
    chosen = panorama_product(image_focal_x=0, image_focal_y=50)  # a focal point set by staff wins over the guess
    assert not _is_red(media_root, chosen.image, "card")


@pytest.mark.parametrize("path", ["service", "admin form", "staff form", "plain save"])
def test_a_new_file_starts_centred_on_every_path(path, admin_client, media_root):
    product = panorama_product(image_focal_x=92, image_focal_y=50, image_alt_text="Sky")
    if path == "service":
        product.image = panorama_upload("other.jpg")
        with transaction.atomic():
            services.product_save(product=product)
    elif path == "admin form":  # the point's fields come back unchanged with the new file
        url = reverse("admin:mediadmin_product_change", args=[product.pk])
        data = {"name": "Panorama", "slug": product.slug, "sku": "", "description": "", "image_alt_text": "Sky",
                "image_focal_x": "92", "image_focal_y": "50", "image": panorama_upload("other.jpg"),
                "images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0", "images-MIN_NUM_FORMS": "0",
                "images-MAX_NUM_FORMS": "1000", "documents-TOTAL_FORMS": "0", "documents-INITIAL_FORMS": "0",
                "documents-MIN_NUM_FORMS": "0", "documents-MAX_NUM_FORMS": "1000", "_save": "Save"}
        assert admin_client.post(url, data).status_code == 302
    elif path == "staff form":
        response = admin_client.post(reverse("product_edit", args=[product.slug]), {
            "name": "Panorama", "image": panorama_upload("other.jpg"), "image_alt_text": "Sky"})
        assert response.status_code == 302
    else:
        product.image = panorama_upload("other.jpg")
        product.save()
    product = Product.objects.get()
    assert product.image.name.startswith("product_images/other")
    assert (product.image_focal_x, product.image_focal_y) == (None, None)
    assert not _is_red(media_root, product.image, "card")  # the new picture is cropped at its centre


def test_a_point_set_with_the_new_file_is_kept(media_root):
    product = panorama_product(image_focal_x=92, image_focal_y=50)
    product.image, product.image_focal_x = panorama_upload("other.jpg"), 90
    with transaction.atomic():
        services.product_save(product=product)
    assert (Product.objects.get().image_focal_x, Product.objects.get().image_focal_y) == (90, 50)


def test_a_gallery_image_keeps_its_point_with_its_file_and_forgets_it_with_a_new_one(media_root):
    product = factories.product("Lamp", image_alt_text="A lamp")
    image = factories.gallery_image(product, alt_text="Sky", focal_x=92, focal_y=50)
    image.alt_text = "Blue sky"
    image.save()
    assert (ProductImage.objects.get().focal_x, ProductImage.objects.get().focal_y) == (92, 50)
    image.image = panorama_upload("other.jpg")
    with transaction.atomic():
        services.gallery_image_save(image=image)
    assert (ProductImage.objects.get().focal_x, ProductImage.objects.get().focal_y) == (None, None)


@pytest.mark.parametrize("product_point", [(None, None), (92, 50), (10, 10)])
def test_use_as_main_image_takes_the_gallery_images_point(product_point, media_root):
    product = panorama_product(image_focal_x=product_point[0], image_focal_y=product_point[1], image_alt_text="Sky")
    gallery = ProductImage(product=product, image=panorama_upload("g.jpg"), alt_text="Sky", focal_x=92, focal_y=50)
    with transaction.atomic():
        services.gallery_image_save(image=gallery)
    services.gallery_image_make_main(image=gallery)
    product = Product.objects.get()
    assert (product.image_focal_x, product.image_focal_y) == (92, 50)  # also when it equals the old point
    assert _is_red(media_root, product.image, "card")


def test_the_focal_inputs_say_0_to_100_to_the_browser(admin_client, media_root):
    import re

    product = panorama_product()
    page = admin_client.get(reverse("admin:mediadmin_product_change", args=[product.pk])).content.decode()
    for name in ("image_focal_x", "image_focal_y"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
        assert 'min="0"' in tag and 'max="100"' in tag
    add_page = admin_client.get(reverse("admin:mediadmin_product_add")).content.decode()
    assert "mediadmin-focal-help" not in add_page  # nothing to click yet: the chosen file's caption says how
