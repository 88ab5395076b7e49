"""The history of file operations: a FileEvent for every upload path, replacement, deletion,
regeneration and trash operation, with user, original name and product; shown on the product's
History page and the "Recent file activity" page; gallery images name their uploader."""
import pytest
from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage
from django.urls import reverse

from mediadmin import services
from mediadmin.models import FileEvent, Product, ProductImage

from . import factories
from .audit_helpers import make_old, store

pytestmark = pytest.mark.django_db(transaction=True)
Action = FileEvent.Action


def _events(action=None):
    events = FileEvent.objects.order_by("id")
    return list(events.filter(action=action) if action else events)


def _management(prefix, total, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def test_admin_form_uploads_are_recorded_with_user_and_original_names(admin_client, admin_user):
    response = admin_client.post(reverse("admin:mediadmin_product_add"), {
        "name": "Desk Lamp", "slug": "desk-lamp", "sku": "DL-1", "description": "",
        "image": factories.image_upload("lamp.jpg"), "document": factories.pdf_upload("care.pdf"),
        **_management("images", 1), **_management("documents", 1),
        "images-0-image": factories.image_upload("side view.png", "PNG"), "images-0-position": "0",
        "documents-0-file": factories.pdf_upload("manual.pdf"), "documents-0-visibility": "public",
        "_save": "Save"})
    assert response.status_code == 302
    product = Product.objects.get()
    uploads = _events(Action.UPLOAD)
    assert sorted(e.original_name for e in uploads) == ["care.pdf", "lamp.jpg", "manual.pdf", "side view.png"]
    assert {(e.user, e.product) for e in uploads} == {(admin_user, product)}
    image = product.images.get()
    assert image.uploaded_by == admin_user and image.uploaded_at is not None
    assert {e.stored_name for e in uploads} >= {product.image.name, image.image.name}


def test_drop_zone_and_bulk_page_uploads_are_recorded(admin_client, admin_user):
    product = factories.product("Kettle", sku="KT-9")
    url = reverse("admin:mediadmin_product_upload", args=[product.pk, "images"])
    assert admin_client.post(url, {"file": factories.image_upload("top.png", "PNG")}).status_code == 201
    bulk = reverse("admin:mediadmin_product_bulk_upload_file")
    response = admin_client.post(bulk, {"target": "sku", "visibility": "public",
                                        "file": factories.pdf_upload("KT-9_guide.pdf")})
    assert response.status_code == 201
    page = reverse("admin:mediadmin_product_bulk_upload")
    response = admin_client.post(page, {"target": "product", "product": product.pk, "visibility": "public",
                                        "files": [factories.image_upload("back.jpg")]})
    assert response.status_code == 200
    uploads = _events(Action.UPLOAD)
    assert [e.original_name for e in uploads] == ["top.png", "KT-9_guide.pdf", "back.jpg"]
    assert {(e.user, e.product) for e in uploads} == {(admin_user, product)}
    assert set(ProductImage.objects.values_list("uploaded_by", flat=True)) == {admin_user.pk}


def test_staff_form_upload_and_replace_are_recorded(admin_client, admin_user):
    admin_client.post(reverse("product_create"), {"name": "Tea Pot", "image": factories.image_upload("pot.png",
                                                                                                     "PNG")})
    product = Product.objects.get()
    admin_client.post(reverse("product_edit", args=[product.slug]),
                      {"name": "Tea Pot", "image": factories.image_upload("pot-2.png", "PNG")})
    upload, replace = _events(Action.UPLOAD) + _events(Action.REPLACE)
    assert (upload.original_name, replace.original_name) == ("pot.png", "pot-2.png")
    assert replace.user == admin_user and replace.product == product


def test_regeneration_and_load_demo_free_paths(admin_client, admin_user):
    product = factories.product("Vase")
    factories.gallery_image(product)
    response = admin_client.post(reverse("admin:mediadmin_product_changelist"), {
        "action": "regenerate_thumbnails", "_selected_action": [product.pk]})
    assert response.status_code == 302
    regenerated = _events(Action.REGENERATE)
    assert len(regenerated) == 2 and {e.user for e in regenerated} == {admin_user}
    services.product_create(product=Product(name="Demo"), images=[
        ProductImage(image=factories.image_upload("demo.png", "PNG"))], record=False)
    assert _events(Action.UPLOAD) == []  # load_demo passes record=False


def test_trash_moves_restores_and_purges_from_the_audit_page_are_recorded(admin_client, admin_user):
    name = store(default_storage, "product_images/old.jpg", b"bytes")
    other = store(default_storage, "product_images/older.jpg", b"other bytes")
    make_old(default_storage, name)
    make_old(default_storage, other)
    url = reverse("admin:mediadmin_product_audit")
    admin_client.post(url, {"action": "quarantine", "name": [name]})
    [move] = _events(Action.TRASH_MOVE)
    admin_client.post(url, {"action": "restore", "batch": move.trash_batch})
    admin_client.post(url, {"action": "quarantine", "name": [other]})
    batch = _events(Action.TRASH_MOVE)[-1].trash_batch
    admin_client.post(url, {"action": "purge", "batch": batch})
    actions = [(e.action, e.stored_name, e.user) for e in _events()]
    assert actions == [(Action.TRASH_MOVE, name, admin_user), (Action.TRASH_RESTORE, name, admin_user),
                       (Action.TRASH_MOVE, other, admin_user), (Action.TRASH_PURGE, other, admin_user)]


def test_history_page_lists_the_products_file_events_even_after_delete_and_recover(admin_client, admin_user):
    from reversion.models import Version

    admin_client.post(reverse("admin:mediadmin_product_add"), {
        "name": "Clock", "slug": "clock", "sku": "", "description": "",
        "image": factories.image_upload("wall clock.jpg"), **_management("images", 0),
        **_management("documents", 0), "_save": "Save"})
    product = Product.objects.get()
    history = reverse("admin:mediadmin_product_history", args=[product.pk])
    page = admin_client.get(history).content.decode()
    assert "File history" in page and "wall clock.jpg" in page and admin_user.username in page
    admin_client.post(reverse("admin:mediadmin_product_delete", args=[product.pk]), {"post": "yes"})
    version = Version.objects.get_deleted(Product).get()
    admin_client.post(reverse("admin:mediadmin_product_recover", args=[version.pk]))
    page = admin_client.get(history).content.decode()
    for label in ("Upload", "Delete", "Recover"):
        assert f"<td>{label}</td>" in page
    assert page.count("wall clock.jpg") >= 3


def test_recent_file_activity_page_filters_by_user_action_and_date(admin_client, admin_user):
    product = factories.product("Bowl")
    services.gallery_image_upload(product=product, uploaded_file=factories.image_upload("bowl.png", "PNG"),
                                  user=admin_user)
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert "Recent file activity" in index
    url = reverse("admin:mediadmin_fileevent_changelist")
    page = admin_client.get(url, {"action": "upload", "user__id__exact": admin_user.pk}).content.decode()
    assert "bowl.png" in page and "Bowl" in page
    assert "bowl.png" not in admin_client.get(url, {"action": "delete"}).content.decode()
    assert admin_client.get(url, {"time__year": "1999"}).status_code == 200


def test_only_users_with_the_view_permission_see_the_activity_page(client, django_user_model):
    clerk = django_user_model.objects.create_user("clerk", password="pw-clerk-123", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_product"))
    client.force_login(clerk)
    url = reverse("admin:mediadmin_fileevent_changelist")
    assert client.get(url).status_code == 403
    assert "Recent file activity" not in client.get(reverse("admin:index")).content.decode()
    clerk.user_permissions.add(Permission.objects.get(codename="view_fileevent"))
    assert client.get(url).status_code == 200
