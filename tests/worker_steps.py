"""Steps of tests/test_task_worker.py, run inside `manage.py shell -c` with a worker backend.

Each step prints one JSON object on its last line of output: what the test asserts on.
It runs with the project's own settings (mediadmin.settings), not the test settings.
"""
import json
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from mediadmin import thumbnails
from mediadmin.models import Product, ProductImage

from . import factories

INLINES = {
    "images-TOTAL_FORMS": "1", "images-INITIAL_FORMS": "0", "images-MIN_NUM_FORMS": "0",
    "images-MAX_NUM_FORMS": "1000", "images-0-alt_text": "", "images-0-position": "0",
    "documents-TOTAL_FORMS": "0", "documents-INITIAL_FORMS": "0",
    "documents-MIN_NUM_FORMS": "0", "documents-MAX_NUM_FORMS": "1000",
}


def upload(slugs):
    """Add one product per slug through the admin's add form: a main image and a gallery image.

    "Save and continue editing", followed: the change page shown right after the upload renders
    the new images' placeholders, which must not queue their tasks a second time.
    """
    settings.MEDIADMIN_THUMBNAIL_MAKE_IN_REQUEST = False  # as documented for a site with a worker
    user = get_user_model().objects.create_superuser("worker-test", "w@example.com", "unused-password-9")
    client = Client()
    client.force_login(user)
    placeholders = {}
    for slug in slugs:
        data = {**INLINES, "name": slug, "slug": slug, "sku": "", "description": "", "_continue": "Save",
                "image": factories.image_upload(f"{slug}.jpg"),
                "images-0-image": factories.image_upload(f"{slug}-g.png", "PNG")}
        response = client.post(reverse("admin:mediadmin_product_add"), data, follow=True)
        assert response.status_code == 200 and response.redirect_chain, response.content.decode()[:2000]
        placeholders[slug] = response.content.decode().count(thumbnails.PLACEHOLDER)
    _print_state(placeholders=placeholders)


def delete_source(slug):
    """Delete a product's main image file from storage, as if it were lost before the worker ran."""
    default_storage.delete(Product.objects.get(slug=slug).image.name)
    _print_state()


def report():
    """Print the state again, with each product page's thumbnail URLs as a visitor gets them."""
    settings.MEDIADMIN_THUMBNAIL_MAKE_IN_REQUEST = False  # as documented for a site with a worker
    pages = {}
    for product in Product.objects.all():
        response = Client().get(reverse("product_detail", args=[product.slug]))
        assert response.status_code == 200
        html = response.content.decode()
        pages[product.slug] = {"placeholders": html.count(thumbnails.PLACEHOLDER),
                               "thumbnails": len(re.findall(f'<img [^>]*src="{settings.MEDIA_URL}cache/', html))}
    _print_state(pages=pages)


def _print_state(**extra):
    images = {}
    for product in Product.objects.all():
        images[product.slug] = _image(product.image)
        for image in ProductImage.objects.filter(product=product):
            images[f"{product.slug}/gallery"] = _image(image.image)
    tasks = [{"name": r.task_path, "args": r.args_kwargs["args"], "status": r.status,
              "return_value": r.return_value,
              "exception": r.exception_class_path}
             for r in DBTaskResult.objects.order_by("enqueued_at")]
    print(json.dumps({"images": images, "tasks": tasks, **extra}))


def _image(field_file):
    """A stored image's name and, for each named size, whether its thumbnail file exists in
    storage and whether sorl's key-value store records it."""
    sizes = {
        size: {"file": default_storage.exists(thumbnails.thumbnail_file(field_file, size).name),
               "recorded": thumbnails.known(field_file, size) is not None}
        for size in settings.MEDIADMIN_THUMBNAIL_SIZES
    }
    return {"name": field_file.name, "source": default_storage.exists(field_file.name), "sizes": sizes}
