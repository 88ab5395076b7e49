"""django-cleanup with sorl: replaced, cleared and deleted files go, with their thumbnails."""
import pytest
from django.urls import reverse

from mediadmin import thumbnails
from mediadmin.models import Product

from . import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _change_data(product, **overrides):
    data = {"name": product.name, "slug": product.slug, "sku": product.sku, "description": "",
            "images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0",
            "images-MIN_NUM_FORMS": "0", "images-MAX_NUM_FORMS": "1000",
            "documents-TOTAL_FORMS": "0", "documents-INITIAL_FORMS": "0",
            "documents-MIN_NUM_FORMS": "0", "documents-MAX_NUM_FORMS": "1000", "_save": "Save"}
    data.update(overrides)
    return data


def _with_thumbnail(product):
    thumb = thumbnails.thumbnail(product.image, "admin_list")
    assert thumb is not None and thumb.exists()
    return thumb


def test_replacing_the_image_removes_old_file_and_its_thumbnails(admin_client, media_root, files_in):
    product = factories.product("Chair")
    old_name, old_thumb = product.image.name, _with_thumbnail(product)
    url = reverse("admin:mediadmin_product_change", args=[product.pk])
    response = admin_client.post(url, _change_data(product, image=factories.image_upload("new.jpg")))
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.image.name != old_name
    assert not (media_root / old_name).exists()
    assert not (media_root / old_thumb.name).exists()
    assert (media_root / product.image.name).exists()


def test_clearing_the_image_removes_the_file(admin_client, media_root):
    product = factories.product("Stool")
    old_name = product.image.name
    url = reverse("admin:mediadmin_product_change", args=[product.pk])
    assert admin_client.post(url, _change_data(product, **{"image-clear": "on"})).status_code == 302
    product.refresh_from_db()
    assert not product.image
    assert not (media_root / old_name).exists()


def test_deleting_a_product_moves_all_its_files_to_the_trash(admin_client, media_root, files_in):
    product = factories.product("Table", document=factories.pdf_upload("t.pdf"))
    gallery = factories.gallery_image(product)
    thumbnails.warm(gallery.image, ["gallery"])
    factories.document(product)
    _with_thumbnail(product)
    assert len(files_in()) >= 6
    url = reverse("admin:mediadmin_product_delete", args=[product.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Product.objects.exists()
    # Recoverable deletion (services/recovery.py): the files sit in trash batches, thumbnails are gone.
    assert [n for n in files_in() if not n.startswith(".trash/")] == []
    trashed = [n for n in files_in(".trash") if "/files/" in n]
    assert len(trashed) == 4  # main image, product document, gallery image, document


def test_rolled_back_delete_keeps_the_files(media_root):
    from django.db import transaction

    product = factories.product("Shelf")
    with pytest.raises(RuntimeError), transaction.atomic():
        product.delete()
        raise RuntimeError("rollback")
    assert (media_root / product.image.name).exists()
