"""One thumbnail task per uploaded image, whatever path stored it and whatever page shows it next.

With a worker's backend the sizes are not made in the request, so the response that shows the
new row (the drop zone's JSON row, the change page after the admin form, the product page after
the staff form) renders a placeholder. Scheduling marks the image pending, so that placeholder
does not queue the image a second time. Counted with the dummy task backend (queued as for a
worker, never run) in real transactions, so on-commit callbacks run at the database's commit.
"""
from collections import Counter

import pytest
from django.urls import reverse
from django_tasks import default_task_backend

from mediadmin import thumbnails
from mediadmin.models import Product, ProductImage

from . import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queued(settings):
    """A callable: Counter of enqueued thumbnail tasks by stored image name.

    As deployed with a worker: pages never make sizes themselves, they show the placeholder.
    """
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.MEDIADMIN_THUMBNAIL_MAKE_IN_REQUEST = False
    default_task_backend.clear()
    yield lambda: Counter(r.args[3] for r in default_task_backend.results)
    default_task_backend.clear()


def _stored_images():
    names = [p.image.name for p in Product.objects.exclude(image="")]
    return names + [i.image.name for i in ProductImage.objects.all()]


def _assert_one_task_each(queued):
    names = _stored_images()
    assert names and queued() == Counter({name: 1 for name in names})


def test_admin_form_then_change_page_queue_one_task_per_image(admin_client, queued):
    data = {"name": "Lamp", "slug": "lamp", "sku": "", "description": "",
            "image": factories.image_upload("lamp.jpg"),
            "images-TOTAL_FORMS": "1", "images-INITIAL_FORMS": "0",
            "images-0-image": factories.image_upload("side.png", "PNG"), "images-0-position": "0",
            "documents-TOTAL_FORMS": "0", "documents-INITIAL_FORMS": "0", "_continue": "Save"}
    response = admin_client.post(reverse("admin:mediadmin_product_add"), data, follow=True)
    assert response.status_code == 200 and response.redirect_chain  # the change page, with placeholders
    assert len(_stored_images()) == 2
    admin_client.get(reverse("admin:mediadmin_product_changelist"))
    _assert_one_task_each(queued)


def test_drop_zone_response_renders_the_placeholder_without_queueing_again(admin_client, queued):
    product = factories.product("Chair", with_image=False)
    url = reverse("admin:mediadmin_product_upload", args=[product.pk, "images"])
    response = admin_client.post(url, {"file": factories.image_upload("seat.jpg")})
    assert response.status_code == 201
    row = response.json()["row"]
    assert row["thumbnail_url"] == thumbnails.thumbnail_url(product.images.get().image, "admin_inline")
    admin_client.get(reverse("admin:mediadmin_product_change", args=[product.pk]))
    _assert_one_task_each(queued)


def test_bulk_endpoint_and_bulk_page_queue_one_task_per_image(admin_client, queued):
    product = factories.product("Desk", sku="DK-1", with_image=False)
    file_url = reverse("admin:mediadmin_product_bulk_upload_file")
    response = admin_client.post(file_url, {"file": factories.image_upload("DK-1_top.jpg"), "target": "sku"})
    assert response.status_code == 201 and response.json()["row"]["kind"] == "image"
    page = admin_client.post(reverse("admin:mediadmin_product_bulk_upload"), {
        "target": "product", "product": product.pk,
        "files": [factories.image_upload("leg.jpg", color=(10, 200, 10)),
                  factories.image_upload("drawer.png", "PNG", color=(10, 10, 200))]})
    assert page.status_code == 200 and page.context["counts"]["uploaded"] == 2
    admin_client.get(reverse("admin:mediadmin_product_change", args=[product.pk]))
    assert product.images.count() == 3
    _assert_one_task_each(queued)


def test_staff_form_then_product_page_queue_one_task(admin_client, queued):
    response = admin_client.post(reverse("product_create"), {
        "name": "Stool", "image": factories.image_upload("stool.jpg")}, follow=True)
    assert response.status_code == 200
    product = Product.objects.get()
    admin_client.get(product.get_absolute_url())
    _assert_one_task_each(queued)
