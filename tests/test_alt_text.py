"""Alt text never forgotten: the rule, the warnings on every save path, the filters, the index count, public pages."""
import html

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from mediadmin import alt_text
from mediadmin.models import Product, ProductImage

from . import factories

pytestmark = pytest.mark.django_db


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def _product_form(**fields):
    data = {"name": "Lamp", "slug": "lamp", "sku": "", "description": "", "image_alt_text": "",
            "images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0", "images-MIN_NUM_FORMS": "0",
            "images-MAX_NUM_FORMS": "1000", "documents-TOTAL_FORMS": "0", "documents-INITIAL_FORMS": "0",
            "documents-MIN_NUM_FORMS": "0", "documents-MAX_NUM_FORMS": "1000", "_save": "Save"}
    data.update(fields)
    return data


def test_the_rule_alt_text_or_decorative(media_root):
    described = factories.product("Described", image_alt_text="A brass lamp")
    decorative = factories.product("Decorative", image_decorative=True)
    missing = factories.product("Missing")
    without_image = factories.product("No image", with_image=False)
    factories.gallery_image(described, alt_text="Side view")
    factories.gallery_image(decorative, position=1, decorative=True)
    bare = factories.gallery_image(without_image, position=2)
    assert set(Product.objects.filter(alt_text.main_image_missing_q())) == {missing}
    assert set(ProductImage.objects.filter(alt_text.gallery_image_missing_q())) == {bare}
    assert set(Product.objects.filter(alt_text.product_missing_q())) == {missing, without_image}
    assert alt_text.missing_counts() == (2, 1)  # what the two filters list: {missing, without_image}, {bare}


def test_admin_add_without_alt_text_warns_and_names_the_image(admin_client, media_root):
    url = reverse("admin:mediadmin_product_add")
    response = admin_client.post(url, _product_form(image=factories.image_upload("lamp.jpg")), follow=True)
    [warning] = [m for m in _messages(response) if "alt text" in m]
    assert "the main image" in warning and "Lamp" in warning and "decorative" in warning


@pytest.mark.parametrize("fields", [{"image_alt_text": "A brass lamp"}, {"image_decorative": "on"}])
def test_admin_add_with_alt_text_or_decorative_does_not_warn(admin_client, media_root, fields):
    url = reverse("admin:mediadmin_product_add")
    response = admin_client.post(url, _product_form(image=factories.image_upload("lamp.jpg"), **fields), follow=True)
    assert response.status_code == 200 and Product.objects.get().image
    assert not [m for m in _messages(response) if "alt text" in m]


def test_a_gallery_row_without_alt_text_is_named_in_the_warning(admin_client, media_root):
    product = factories.product("Lamp", image_alt_text="A brass lamp")
    data = _product_form(slug=product.slug, **{
        "image_alt_text": "A brass lamp", "images-TOTAL_FORMS": "2",
        "images-0-image": factories.image_upload("side.png", "PNG"), "images-0-alt_text": "", "images-0-position": "0",
        "images-1-image": factories.image_upload("back.png", "PNG"), "images-1-decorative": "on",
        "images-1-position": "1"})
    response = admin_client.post(reverse("admin:mediadmin_product_change", args=[product.pk]), data, follow=True)
    [warning] = [m for m in _messages(response) if "alt text" in m]
    side = ProductImage.objects.get(decorative=False)
    assert "side.png" in warning and side.image.name.rsplit("/", 1)[-1] not in warning  # the name staff chose
    assert "the main image" not in warning
    assert warning.startswith("1 image of")


def test_the_gallery_image_admin_warns_too(admin_client, media_root):
    image = factories.gallery_image(factories.product("Lamp", image_alt_text="A lamp"))
    url = reverse("admin:mediadmin_productimage_change", args=[image.pk])
    data = {"product": image.product.pk, "alt_text": "", "position": "0"}
    response = admin_client.post(url, data, follow=True)
    assert [m for m in _messages(response) if "has no alt text" in m]
    response = admin_client.post(url, {**data, "decorative": "on"}, follow=True)
    assert not [m for m in _messages(response) if "alt text" in m]
    assert ProductImage.objects.get().decorative


def test_the_staff_form_warns_on_the_product_page(admin_client, media_root):
    data = {"name": "Lamp", "image": factories.image_upload("lamp.jpg"), "image_alt_text": ""}
    response = admin_client.post(reverse("product_create"), data, follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and "has no alt text" in html.unescape(page)
    response = admin_client.post(reverse("product_edit", args=["lamp"]),
                                 {"name": "Lamp", "image_alt_text": "A brass lamp"}, follow=True)
    assert "alt text" not in html.unescape(response.content.decode())
    assert Product.objects.get().image_alt_text == "A brass lamp"


def test_the_changelist_filters(admin_client, media_root):
    described = factories.product("Described", image_alt_text="A lamp")
    missing = factories.product("Missing main")
    gallery_missing = factories.product("Missing gallery", image_decorative=True)
    bare = factories.gallery_image(gallery_missing)
    changelist = reverse("admin:mediadmin_product_changelist")
    yes = admin_client.get(changelist, {"missing_alt": "yes"}).context["cl"].result_list
    no = admin_client.get(changelist, {"missing_alt": "no"}).context["cl"].result_list
    assert set(yes) == {missing, gallery_missing} and set(no) == {described}
    images = reverse("admin:mediadmin_productimage_changelist")
    assert list(admin_client.get(images, {"missing_alt": "yes"}).context["cl"].result_list) == [bare]
    page = admin_client.get(changelist).content.decode()
    assert "By alt text" in page and "Written or decorative" in page


def _user(*codenames):
    user = User.objects.create_user("u-" + "-".join(codenames or ("none",)), password="pw-123-abc", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


def test_the_admin_index_counts_them_for_users_who_can_fix_them(client, media_root):
    factories.product("Missing main")
    factories.gallery_image(factories.product("Described", image_alt_text="A lamp"))
    client.force_login(_user("view_product", "change_product", "view_productimage"))
    page = html.unescape(client.get(reverse("admin:index")).content.decode())
    # Each count is the length of the list its link opens: both products, the one gallery image.
    assert "2 products have images without alt text" in page and "1 gallery image has no alt text" in page
    assert "?missing_alt=yes" in page
    changelist = client.get(reverse("admin:mediadmin_product_changelist"), {"missing_alt": "yes"})
    assert changelist.context["cl"].result_count == 2
    client.force_login(_user("view_product"))
    assert "no alt text" not in client.get(reverse("admin:index")).content.decode()


def test_public_pages_use_the_alt_text_and_never_repeat_the_name(client, media_root):
    product = factories.product("Brass lamp", image_alt_text="A lamp with a green shade")
    factories.gallery_image(product, alt_text="The switch")
    factories.gallery_image(product, position=1, alt_text="Should not show", decorative=True)
    factories.product("Plain lamp")
    listing = client.get(reverse("product_list")).content.decode()
    assert 'alt="A lamp with a green shade"' in listing and 'alt="Brass lamp"' not in listing
    assert 'alt="Plain lamp"' not in listing
    detail = client.get(product.get_absolute_url()).content.decode()
    assert 'alt="A lamp with a green shade"' in detail and 'alt="The switch"' in detail
    assert "Should not show" not in detail and 'aria-label="Gallery image 2, full size"' in detail
