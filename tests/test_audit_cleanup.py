"""Reference-aware deletion: django-cleanup never removes a file another row still uses."""
import pytest
from django.urls import reverse

from mediadmin import thumbnails
from mediadmin.models import Product, ProductImage

from . import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _share(product, name):
    """A second row (a gallery image) pointing at the same stored file."""
    other = ProductImage(product=product)
    other.image.name = name
    other.save()
    return other


def test_file_referenced_by_two_rows_survives_deleting_one(media_root):
    product = factories.product("Chair")
    name = product.image.name
    thumb = thumbnails.thumbnail(product.image, "admin_list")
    sharer = _share(factories.product("Other", with_image=False), name)
    product.delete()
    assert (media_root / name).exists()
    assert (media_root / thumb.name).exists()  # thumbnails of a file that stays, stay
    sharer.delete()
    assert not (media_root / name).exists()  # the last reference went: the file goes
    assert not (media_root / thumb.name).exists()


def test_replacing_a_shared_file_keeps_it_for_the_other_row(admin_client, media_root):
    product = factories.product("Stool")
    name = product.image.name
    _share(product, name)
    product.image = factories.image_upload("new.jpg")
    product.save()
    assert (media_root / name).exists()
    assert (media_root / product.image.name).exists()


def test_deleting_through_the_admin_keeps_a_file_shared_with_another_product(admin_client, media_root):
    first = factories.product("First")
    second = factories.product("Second", with_image=False)
    second.image.name = first.image.name
    second.save()
    url = reverse("admin:mediadmin_product_delete", args=[first.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Product.objects.filter(pk=first.pk).exists()
    assert (media_root / second.image.name).exists()


def test_an_unshared_file_is_still_deleted(media_root):
    product = factories.product("Alone")
    name = product.image.name
    product.delete()
    assert not (media_root / name).exists()
