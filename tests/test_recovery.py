"""Recoverable deletion: delete page, "Delete selected" and inline delete boxes move the files to the
trash and keep a django-reversion version; recovery brings rows, relations and bytes back, thumbnails
made again; a shared file never moves; only users who may recover see the pages."""
import hashlib
from datetime import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from reversion.models import Version

from mediadmin import thumbnails
from mediadmin.models import FileEvent, Product, ProductDocument, ProductImage
from mediadmin.services import recovery

from . import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _sha(root, name):
    return hashlib.sha256((root / name).read_bytes()).hexdigest()


@pytest.fixture
def lamp(media_root, private_root):
    """A product with a main image, its own document, two gallery images and a document."""
    product = factories.product("Lamp", sku="LP-1", document=factories.pdf_upload("care.pdf"))
    factories.gallery_image(product, 0, alt_text="front")
    factories.gallery_image(product, 1, alt_text="side")
    factories.document(product, "manual.pdf")
    return product


def _snapshot(product, media_root, private_root):
    """Every file of the product with its bytes' checksum, and its rows' fields."""
    files = {product.image.name: _sha(media_root, product.image.name),
             product.document.name: _sha(private_root, product.document.name)}
    files.update({i.image.name: _sha(media_root, i.image.name) for i in product.images.all()})
    files.update({d.file.name: _sha(private_root, d.file.name) for d in product.documents.all()})
    rows = (Product.objects.filter(pk=product.pk).values(),
            ProductImage.objects.filter(product=product).order_by("pk").values(),
            ProductDocument.objects.filter(product=product).order_by("pk").values())
    return files, [[_to_ms(row) for row in queryset] for queryset in rows]


def _to_ms(row):
    # django-reversion stores rows as Django's JSON, whose datetimes keep milliseconds.
    return {k: v.replace(microsecond=v.microsecond // 1000 * 1000) if isinstance(v, datetime) else v
            for k, v in row.items()}


def _media_files(files_in):
    return [n for n in files_in() if not n.startswith((".trash/", "cache/"))]


def _deleted_version(model, object_id):
    return Version.objects.get_deleted(model).get(object_id=str(object_id))


def _recover(client, model, object_id):
    opts = model._meta
    version = _deleted_version(model, object_id)
    return client.post(reverse(f"admin:{opts.app_label}_{opts.model_name}_recover", args=[version.pk]))


def _assert_recovered(lamp, before, media_root, private_root):
    product = Product.objects.get(pk=lamp.pk)
    after = _snapshot(product, media_root, private_root)
    assert after == before  # rows, relations and bytes, under their names
    for image in [product, *product.images.all()]:
        assert thumbnails.known(image.image, "admin_list") is not None  # made again after commit


def test_delete_page_moves_files_to_trash_and_recover_brings_everything_back(
        admin_client, admin_user, lamp, media_root, private_root, files_in):
    before = _snapshot(lamp, media_root, private_root)
    url = reverse("admin:mediadmin_product_delete", args=[lamp.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Product.objects.exists() and not ProductImage.objects.exists()
    assert _media_files(files_in) == []
    trashed = sorted(n.split("/files/", 1)[1] for n in files_in(".trash") if "/files/" in n)
    assert trashed == sorted(before[0])
    deletions = FileEvent.objects.filter(action=FileEvent.Action.DELETE)
    assert deletions.count() == 5 and {e.user for e in deletions} == {admin_user}
    assert "manual.pdf" in {e.original_name for e in deletions}

    listing = admin_client.get(reverse("admin:mediadmin_product_recoverlist"))
    assert listing.status_code == 200 and "Lamp" in listing.content.decode()
    preview = admin_client.get(reverse("admin:mediadmin_product_recover",
                                       args=[_deleted_version(Product, lamp.pk).pk]))
    assert preview.status_code == 200 and not Product.objects.exists()  # GET changes nothing
    response = _recover(admin_client, Product, lamp.pk)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:mediadmin_product_change", args=[lamp.pk])
    _assert_recovered(lamp, before, media_root, private_root)
    assert [n for n in files_in(".trash") if "/files/" in n] == []
    recovered = FileEvent.objects.filter(action=FileEvent.Action.RECOVER)
    assert recovered.count() == 5 and {e.product_id for e in recovered} == {lamp.pk}


def test_delete_selected_action_is_recoverable_per_product(admin_client, lamp, media_root, private_root,
                                                           files_in):
    other = factories.product("Chair", sku="CH-1")
    before = _snapshot(lamp, media_root, private_root)
    response = admin_client.post(reverse("admin:mediadmin_product_changelist"), {
        "action": "delete_selected", "_selected_action": [lamp.pk, other.pk], "post": "yes"})
    assert response.status_code == 302
    assert not Product.objects.exists() and _media_files(files_in) == []
    assert _recover(admin_client, Product, lamp.pk).status_code == 302
    _assert_recovered(lamp, before, media_root, private_root)
    # The other product stays deleted, its file stays in its own trash batch.
    assert not Product.objects.filter(pk=other.pk).exists()
    assert any(n.endswith(other.image.name) for n in files_in(".trash"))


def _inline_data(product, delete_image=None, delete_document=None):
    images, documents = list(product.images.all()), list(product.documents.all())
    data = {"name": product.name, "slug": product.slug, "sku": product.sku, "description": "",
            "images-TOTAL_FORMS": str(len(images)), "images-INITIAL_FORMS": str(len(images)),
            "images-MIN_NUM_FORMS": "0", "images-MAX_NUM_FORMS": "1000",
            "documents-TOTAL_FORMS": str(len(documents)), "documents-INITIAL_FORMS": str(len(documents)),
            "documents-MIN_NUM_FORMS": "0", "documents-MAX_NUM_FORMS": "1000", "_save": "Save"}
    for i, image in enumerate(images):
        data.update({f"images-{i}-id": image.pk, f"images-{i}-product": product.pk,
                     f"images-{i}-alt_text": image.alt_text, f"images-{i}-position": image.position})
        if image == delete_image:
            data[f"images-{i}-DELETE"] = "on"
    for i, document in enumerate(documents):
        data.update({f"documents-{i}-id": document.pk, f"documents-{i}-product": product.pk,
                     f"documents-{i}-title": document.title, f"documents-{i}-visibility": "public"})
        if document == delete_document:
            data[f"documents-{i}-DELETE"] = "on"
    return data


def test_inline_delete_boxes_trash_the_files_and_their_own_admins_recover_them(
        admin_client, lamp, media_root, private_root, files_in):
    image, document = lamp.images.get(alt_text="side"), lamp.documents.get()
    image_sha, doc_sha = _sha(media_root, image.image.name), _sha(private_root, document.file.name)
    url = reverse("admin:mediadmin_product_change", args=[lamp.pk])
    response = admin_client.post(url, _inline_data(lamp, delete_image=image, delete_document=document))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not ProductImage.objects.filter(pk=image.pk).exists()
    assert not ProductDocument.objects.filter(pk=document.pk).exists()
    assert not (media_root / image.image.name).exists() and not (private_root / document.file.name).exists()
    assert any(n.endswith(image.image.name) for n in files_in(".trash"))

    listing = admin_client.get(reverse("admin:mediadmin_productimage_recoverlist"))
    assert listing.status_code == 200 and "side" in listing.content.decode()
    assert _recover(admin_client, ProductImage, image.pk).status_code == 302
    assert _recover(admin_client, ProductDocument, document.pk).status_code == 302
    back = ProductImage.objects.get(pk=image.pk)
    assert back.product_id == lamp.pk and back.alt_text == "side"
    assert _sha(media_root, back.image.name) == image_sha
    assert thumbnails.known(back.image, "admin_list") is not None
    assert _sha(private_root, ProductDocument.objects.get(pk=document.pk).file.name) == doc_sha


def test_a_shared_file_never_moves(admin_client, lamp, media_root, files_in):
    twin = factories.product("Twin", with_image=False)
    Product.objects.filter(pk=twin.pk).update(image=lamp.image.name)  # two rows, one file
    url = reverse("admin:mediadmin_product_delete", args=[lamp.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert (media_root / lamp.image.name).exists()
    assert not any(n.endswith(lamp.image.name) for n in files_in(".trash"))
    # Recovery finds the shared file where it stayed.
    assert _recover(admin_client, Product, lamp.pk).status_code == 302
    assert Product.objects.get(pk=lamp.pk).image.name == lamp.image.name


def test_gallery_image_of_a_deleted_product_is_refused_alone(admin_client, lamp):
    image = lamp.images.first()
    admin_client.post(reverse("admin:mediadmin_product_delete", args=[lamp.pk]), {"post": "yes"})
    response = _recover(admin_client, ProductImage, image.pk)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:mediadmin_productimage_recoverlist")
    assert not ProductImage.objects.exists()
    messages = admin_client.get(response["Location"]).content.decode()
    assert "recover the product first" in messages


def test_purged_trash_refuses_recovery_and_changes_nothing(admin_client, lamp, files_in):
    from mediadmin import audit
    from mediadmin.services import trash

    admin_client.post(reverse("admin:mediadmin_product_delete", args=[lamp.pk]), {"post": "yes"})
    for alias in ("default", "private"):
        trash.purge(audit.trash_for(audit.storage_for(alias), alias), older_than=0, alias=alias)
    with pytest.raises(recovery.RecoveryRefused, match="no longer in the trash"):
        recovery.recover(version=_deleted_version(Product, lamp.pk))
    assert not Product.objects.exists() and _media_files(files_in) == []
    assert FileEvent.objects.filter(action=FileEvent.Action.TRASH_PURGE).count() == 5


def test_a_rolled_back_delete_holds_nothing_and_trashes_nothing(lamp, media_root, files_in):
    from django.db import transaction

    pk, name = lamp.pk, lamp.image.name
    with pytest.raises(RuntimeError), transaction.atomic():
        recovery.delete_recoverably([lamp])
        raise RuntimeError("rollback")
    assert Product.objects.filter(pk=pk).exists()
    assert (media_root / name).exists()
    assert files_in(".trash") == []


@pytest.fixture
def clerk(django_user_model):
    """An active staff account without permissions; tests grant what they need."""
    return django_user_model.objects.create_user("clerk", password="pw-clerk-123", is_staff=True)


def _grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="mediadmin",
                                                         codename__in=codenames))


def test_only_users_who_may_add_and_change_see_the_recover_pages(client, clerk, lamp):
    client.force_login(clerk)
    # The delete page also asks for the delete permission of the rows deleted with the product.
    _grant(clerk, "view_product", "delete_product", "delete_productimage", "delete_productdocument")
    changelist = client.get(reverse("admin:mediadmin_product_changelist")).content.decode()
    assert "Recover deleted products" not in changelist
    assert client.get(reverse("admin:mediadmin_product_recoverlist")).status_code == 403
    client.post(reverse("admin:mediadmin_product_delete", args=[lamp.pk]), {"post": "yes"})
    assert not Product.objects.exists()
    version = _deleted_version(Product, lamp.pk)
    assert client.post(reverse("admin:mediadmin_product_recover", args=[version.pk])).status_code == 403
    assert not Product.objects.exists()

    _grant(clerk, "add_product", "change_product")
    clerk = type(clerk).objects.get(pk=clerk.pk)  # permissions are cached on the user object
    changelist = client.get(reverse("admin:mediadmin_product_changelist")).content.decode()
    assert "Recover deleted products" in changelist
    assert client.get(reverse("admin:mediadmin_product_recoverlist")).status_code == 200


def test_delete_and_recover_on_s3_are_byte_identical(admin_client, s3_storage):
    from django.core.files.storage import storages

    product = factories.product("Lamp", sku="LP-1", document=factories.pdf_upload("care.pdf"))
    factories.gallery_image(product)
    factories.document(product, "manual.pdf")
    names = {"default": [product.image.name, product.images.get().image.name],
             "private": [product.document.name, product.documents.get().file.name]}

    def digests():
        return {n: hashlib.sha256(storages[a].open(n).read()).hexdigest() for a, ns in names.items() for n in ns}

    before = digests()
    assert admin_client.post(reverse("admin:mediadmin_product_delete", args=[product.pk]),
                             {"post": "yes"}).status_code == 302
    for name in names["default"]:
        assert f"media/{name}" not in s3_storage("media/")
        # The S3 trash is its own private storage: trash/<alias>/<batch>/files/... (contract 1).
        assert any(k.endswith(f"/files/{name}") for k in s3_storage("trash/default/"))
    assert not any(k.endswith(names["private"][0]) for k in s3_storage("private/"))
    assert any(k.endswith(f"/files/{names['private'][0]}") for k in s3_storage("trash/private/"))
    assert _recover(admin_client, Product, product.pk).status_code == 302
    assert digests() == before
    assert [k for k in s3_storage("trash/") if "/files/" in k] == []
    recovered = Product.objects.get(pk=product.pk)
    assert thumbnails.known(recovered.image, "admin_list") is not None


def test_revert_to_an_earlier_version_is_a_preview_only(admin_client, media_root):
    response = admin_client.post(reverse("admin:mediadmin_product_add"), {
        "name": "Clock", "slug": "clock", "sku": "", "description": "",
        "image": factories.image_upload("clock.jpg"), "images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0",
        "documents-TOTAL_FORMS": "0", "documents-INITIAL_FORMS": "0", "_save": "Save"})
    assert response.status_code == 302
    product = Product.objects.get()
    version = Version.objects.get_for_object(product).get()
    url = reverse("admin:mediadmin_product_revision", args=[product.pk, version.pk])
    assert admin_client.get(url).status_code == 200
    Product.objects.filter(pk=product.pk).update(name="Wall clock")
    response = admin_client.post(url, {"name": "Clock", "slug": "clock"}, follow=True)
    assert "is not offered" in response.content.decode()
    assert Product.objects.get().name == "Wall clock"


def test_the_delete_page_lists_the_files_that_go_to_the_trash(admin_client, media_root, private_root):
    product = factories.product("Walker", image_alt_text="A walker")
    factories.gallery_image(product, alt_text="Side")
    factories.document(product, "walk-manual.pdf")
    page = admin_client.get(reverse("admin:mediadmin_product_delete", args=[product.pk])).content.decode()
    assert "3 files, moved to the trash: recoverable for 30 days" in page
    assert "walk-manual.pdf" in page and "walker.jpg" in page and "g0.png" in page
    action = admin_client.post(reverse("admin:mediadmin_product_changelist"),
                               {"action": "delete_selected", "_selected_action": [product.pk]}).content.decode()
    assert "3 files, moved to the trash" in action
