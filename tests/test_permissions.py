"""Every URL and admin action, for every kind of user: status and what the page, file or database shows.

The kinds are the staff accounts an attacker could hold, plus anonymous visitors and a
non-staff account. Each test names the kinds that may act; all the others must be refused
and leave nothing behind. The rules themselves live in mediadmin/permissions.py.
"""
import io
import zipfile

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from mediadmin import audit, permissions, services
from mediadmin.models import Product, ProductDocument, ProductImage
from mediadmin.services import trash as trash_service

from . import factories
from .audit_helpers import make_old, store

pytestmark = pytest.mark.django_db

PERMS = {
    "anonymous": None,
    "visitor": (),  # an active account that is not staff
    "staff": (),
    "viewer": ("view_product", "view_productimage", "view_productdocument"),
    "product": ("add_product", "change_product", "view_product"),
    "document": ("add_productdocument", "change_productdocument", "view_productdocument"),
    "auditor": ("audit_storage",),
    "superuser": (),
}
KINDS = list(PERMS)
LOGIN = "/admin/login/"


def make_user(kind):
    """The user of a kind (None for anonymous), with exactly that kind's permissions."""
    if kind == "anonymous":
        return None
    if kind == "superuser":
        return User.objects.create_superuser("root", password="pw-root-123")
    user = User.objects.create_user(kind, password=f"pw-{kind}-123", is_staff=kind != "visitor")
    user.user_permissions.set(Permission.objects.filter(codename__in=PERMS[kind]))
    return User.objects.get(pk=user.pk)  # no stale permission cache


@pytest.fixture(params=KINDS)
def kind(request):
    """Each test runs once per kind of user."""
    return request.param


@pytest.fixture
def client_of(kind):
    """A client logged in as a user of this kind (not logged in for anonymous)."""
    client = Client()
    user = make_user(kind)
    if user is not None:
        client.force_login(user)
    client.kind, client.user = kind, user
    return client


@pytest.fixture
def lamp():
    """A product with a main image, its own document, a gallery image, a public and a staff-only document."""
    product = factories.product("Lamp", sku="LP-1", document=factories.pdf_upload("care.pdf", "Care"))
    factories.gallery_image(product, alt_text="Side")
    public = services.document_save(document=ProductDocument(
        product=product, title="Public manual", file=factories.pdf_upload("manual.pdf", "Manual")))
    staff = services.document_save(document=ProductDocument(
        product=product, title="Staff price list", visibility=ProductDocument.Visibility.STAFF,
        file=factories.pdf_upload("pricing.pdf", "Price list")))
    product.public_doc, product.staff_doc = public, staff
    return product


def admin_url(name, *args):
    return reverse(f"admin:mediadmin_product_{name}", args=args)


def assert_refused(response, kind):
    """Anonymous and non-staff users go to a login page; staff without the permission get 403."""
    if kind in ("anonymous", "visitor"):
        assert response.status_code == 302 and LOGIN in response["Location"]
    else:
        assert response.status_code == 403


def assert_json_refused(response):
    """The JSON upload endpoints answer 403 with status "forbidden" to everyone refused."""
    assert response.status_code == 403 and response.json()["status"] == "forbidden"


def body(response):
    return response.content.decode()


def txt(name="notes.txt"):
    return SimpleUploadedFile(name, b"plain notes", content_type="text/plain")


# --- the predicates themselves -------------------------------------------------------------

CAPABILITIES = {
    "may_view_product_files": {"viewer", "product", "superuser"},
    "may_add_product": {"product", "superuser"},
    "may_change_product": {"product", "superuser"},
    "may_set_product_document": {"document", "superuser"},
    "may_audit": {"auditor", "superuser"},
    "may_add_any_files": {"document", "superuser"},
}


@pytest.mark.parametrize("capability", CAPABILITIES)
def test_each_predicate_grants_exactly_the_kinds_expected(kind, capability):
    from django.contrib.auth.models import AnonymousUser

    user = make_user(kind) or AnonymousUser()
    assert getattr(permissions, capability)(user) is (kind in CAPABILITIES[capability])


def test_an_inactive_superuser_has_no_capability():
    user = make_user("superuser")
    user.is_active = False
    assert not any(getattr(permissions, c)(user) for c in CAPABILITIES)
    staff_only = ProductDocument(visibility=ProductDocument.Visibility.STAFF)
    assert not permissions.may_download_document(user, staff_only)
    assert permissions.may_download_document(user, ProductDocument())  # public: anyone


def test_files_by_kind(kind):
    user = make_user(kind)
    assert permissions.may_add_files(user, "documents") is (kind in {"document", "superuser"})
    assert permissions.may_add_files(user, "images") is (kind == "superuser")
    assert not permissions.may_add_files(user, "../documents")


# --- admin pages ----------------------------------------------------------------------------

def test_admin_index(client_of, kind, lamp):
    response = client_of.get(reverse("admin:index"))
    if kind in ("anonymous", "visitor"):
        return assert_refused(response, kind)
    assert response.status_code == 200
    assert (admin_url("changelist") in body(response)) is (kind in {"viewer", "product", "superuser"})
    documents = reverse("admin:mediadmin_productdocument_changelist")
    assert (documents in body(response)) is (kind in {"viewer", "document", "superuser"})


def test_product_changelist_shows_only_the_tools_and_actions_allowed(client_of, kind, lamp):
    response = client_of.get(admin_url("changelist"))
    if kind not in ("viewer", "product", "superuser"):
        return assert_refused(response, kind)
    assert response.status_code == 200 and "Lamp" in body(response)
    actions = {value for value, _label in response.context["action_form"].fields["action"].choices}
    assert ("download_files" in actions) is True
    assert ("regenerate_thumbnails" in actions) is (kind in {"product", "superuser"})
    assert (admin_url("bulk_upload") in body(response)) is (kind == "superuser")
    assert (admin_url("audit") in body(response)) is (kind == "superuser")


def test_product_add_page(client_of, kind):
    response = client_of.get(admin_url("add"))
    if kind not in ("product", "superuser"):
        return assert_refused(response, kind)
    assert response.status_code == 200
    # The product's own document is editable only with the document permissions.
    assert ('name="document"' in body(response)) is (kind == "superuser")


def _admin_product_data(**fields):
    management = {}
    for prefix in ("images", "documents"):
        management.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0",
                           f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    return {"name": "Desk", "slug": "desk", "sku": "", "description": "", **management, **fields}


def test_product_add_post(client_of, kind):
    response = client_of.post(admin_url("add"), _admin_product_data(document=factories.pdf_upload("d.pdf")))
    if kind not in ("product", "superuser"):
        assert_refused(response, kind)
        assert not Product.objects.exists()
        return
    assert response.status_code == 302
    desk = Product.objects.get(slug="desk")
    assert bool(desk.document) is (kind == "superuser")  # read-only field for the product-only user


def test_product_change_page_and_post(client_of, kind, lamp):
    page = client_of.get(admin_url("change", lamp.pk))
    if kind in ("viewer", "product", "superuser"):
        assert page.status_code == 200 and "Lamp" in body(page)
        shown = "Staff price list" in body(page)  # the documents inline, with its staff-only row
        assert shown is (kind in {"viewer", "superuser"})
        # Drop zones follow may_add_files, like the endpoints they post to.
        assert body(page).count("data-mediadmin-uploader") == (2 if kind == "superuser" else 0)
    else:
        assert_refused(page, kind)
    data = _admin_product_data(name="Renamed", slug=lamp.slug, sku=lamp.sku)
    data.update({"documents-INITIAL_FORMS": "0", "images-INITIAL_FORMS": "0"})
    response = client_of.post(admin_url("change", lamp.pk), data)
    lamp.refresh_from_db()
    if kind in ("product", "superuser"):
        assert response.status_code == 302 and lamp.name == "Renamed"
    else:
        assert_refused(response, kind)
        assert lamp.name == "Lamp"


def test_change_page_offers_only_the_drop_zone_of_the_kind_the_user_may_add(client, lamp):
    user = make_user("product")
    user.user_permissions.add(*Permission.objects.filter(codename__in=PERMS["document"]))
    client.force_login(User.objects.get(pk=user.pk))
    page = body(client.get(admin_url("change", lamp.pk)))
    assert page.count("data-mediadmin-uploader") == 1
    assert f'data-upload-url="{admin_url("upload", lamp.pk, "documents")}"' in page
    assert admin_url("upload", lamp.pk, "images") not in page


def _zip_contents(response):
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return {name: archive.read(name) for name in archive.namelist()}


def test_zip_action_holds_only_what_the_user_may_download(client_of, kind, lamp):
    response = client_of.post(admin_url("changelist"), {"action": "download_files",
                                                        "_selected_action": [lamp.pk]})
    if kind not in ("viewer", "product", "superuser"):
        return assert_refused(response, kind)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    members = _zip_contents(response)
    staff_bytes, public_bytes = lamp.staff_doc.file.read(), lamp.public_doc.file.read()
    assert public_bytes in members.values() and len(members) in (4, 5)
    may_see_staff_doc = kind in {"viewer", "superuser"}  # the product-only user lacks view_productdocument
    assert (staff_bytes in members.values()) is may_see_staff_doc
    assert any("pricing" in name for name in members) is may_see_staff_doc
    assert len(members) == (5 if may_see_staff_doc else 4)


def test_regenerate_action(client_of, kind, lamp):
    response = client_of.post(admin_url("changelist"), {"action": "regenerate_thumbnails",
                                                        "_selected_action": [lamp.pk]}, follow=True)
    if kind in ("product", "superuser"):
        assert "Regenerated the thumbnails of 2 images." in body(response)
    elif kind == "viewer":  # the action is not offered: the admin says no action was chosen
        assert response.status_code == 200 and "Regenerated" not in body(response)
        assert "No action selected." in body(response)
    elif kind in ("anonymous", "visitor"):
        assert response.redirect_chain[0][0].startswith(LOGIN)
    else:
        assert response.status_code == 403


# --- uploads ----------------------------------------------------------------------------------

def test_bulk_upload_page(client_of, kind):
    response = client_of.get(admin_url("bulk_upload"))
    if kind in ("document", "superuser"):
        assert response.status_code == 200 and 'name="files"' in body(response)
    else:
        assert_refused(response, kind)


def test_bulk_upload_file(client_of, kind, lamp):
    response = client_of.post(admin_url("bulk_upload_file"), {"file": txt("LP-1_notes.txt"), "target": "sku"})
    if kind in ("document", "superuser"):
        assert response.status_code == 201 and response.json()["product"]["sku"] == "LP-1"
        assert lamp.documents.filter(original_name="LP-1_notes.txt").exists()
    else:
        assert_json_refused(response)
        assert not lamp.documents.filter(original_name="LP-1_notes.txt").exists()


def test_bulk_upload_of_an_image_needs_the_image_permission(client_of, kind, lamp):
    response = client_of.post(admin_url("bulk_upload_file"),
                              {"file": factories.image_upload("LP-1_front.jpg"), "target": "sku"})
    if kind == "superuser":
        assert response.status_code == 201 and lamp.images.count() == 2
        return
    if kind == "document":  # may upload documents, not gallery images
        assert response.status_code == 422 and "may not add files of this kind" in response.json()["message"]
    else:
        assert_json_refused(response)
    assert lamp.images.count() == 1


def test_bulk_match(client_of, kind, lamp):
    response = client_of.post(admin_url("bulk_match"), {"names": ["LP-1_a.pdf", "zz.pdf"]},
                              content_type="application/json")
    if kind in ("document", "superuser"):
        assert response.status_code == 200
        assert response.json()["matches"]["LP-1_a.pdf"]["sku"] == "LP-1"
    else:
        assert_json_refused(response)


@pytest.mark.parametrize("upload_kind", ["documents", "images"])
def test_per_product_upload_endpoint(client_of, kind, lamp, upload_kind):
    upload = txt() if upload_kind == "documents" else factories.image_upload("front.jpg")
    model = ProductDocument if upload_kind == "documents" else ProductImage
    before = model.objects.count()
    response = client_of.post(admin_url("upload", lamp.pk, upload_kind), {"file": upload})
    allowed = {"documents": {"document", "superuser"}, "images": {"superuser"}}[upload_kind]
    if kind in allowed:
        assert response.status_code == 201 and model.objects.count() == before + 1
    else:
        assert_json_refused(response)
        assert model.objects.count() == before


# --- storage audit ------------------------------------------------------------------------------

@pytest.fixture
def batch(media_root):
    """A trash batch holding one orphan of the default storage."""
    name = store(default_storage, "product_images/orphan.jpg", b"orphan")
    make_old(default_storage, name)
    result = trash_service.quarantine_orphans(audit.audit(), older_than=0)
    return result.batch, name


def test_audit_page(client_of, kind, batch):
    response = client_of.get(admin_url("audit"))
    if kind in ("auditor", "superuser"):
        assert response.status_code == 200 and batch[0] in body(response)
    else:
        assert_refused(response, kind)


@pytest.mark.parametrize("action", ["restore", "purge"])
def test_audit_restore_and_purge(client_of, kind, batch, media_root, action):
    batch_id, name = batch
    response = client_of.post(admin_url("audit"), {"action": action, "batch": batch_id})
    left = [b.id for b in audit.batches(audit.trash_for(default_storage))]
    if kind in ("auditor", "superuser"):
        assert response.status_code == 302 and left == []
        assert (media_root / name).exists() is (action == "restore")
    else:
        assert_refused(response, kind)
        assert left == [batch_id] and not (media_root / name).exists()


# --- public site ----------------------------------------------------------------------------------

def test_public_list(client_of, kind, lamp):
    response = client_of.get(reverse("product_list"))
    assert response.status_code == 200 and lamp.get_absolute_url() in body(response)
    assert (reverse("product_create") in body(response)) is (kind in {"product", "superuser"})


def test_public_detail_lists_only_documents_the_user_may_download(client_of, kind, lamp):
    response = client_of.get(lamp.get_absolute_url())
    page = body(response)
    assert response.status_code == 200 and "Public manual" in page and lamp.public_doc.file.url in page
    may_download = kind in {"viewer", "document", "superuser"}
    assert ("Staff price list" in page) is may_download
    assert (lamp.staff_doc.file.url in page) is may_download
    assert (reverse("product_edit", args=[lamp.slug]) in page) is (kind in {"product", "superuser"})


def _assert_form_refused(response, kind):
    if kind in ("anonymous", "visitor"):  # staff_member_required: the admin login
        assert response.status_code == 302 and LOGIN in response["Location"]
    else:
        assert response.status_code == 403


def test_staff_form_new_get(client_of, kind):
    response = client_of.get(reverse("product_create"))
    if kind not in ("product", "superuser"):
        return _assert_form_refused(response, kind)
    assert response.status_code == 200 and 'name="name"' in body(response)
    assert ('name="document"' in body(response)) is (kind == "superuser")


def test_staff_form_new_post(client_of, kind):
    response = client_of.post(reverse("product_create"), {"name": "Sneaky"})
    if kind in ("product", "superuser"):
        assert response.status_code == 302 and Product.objects.filter(name="Sneaky").exists()
    else:
        _assert_form_refused(response, kind)
        assert not Product.objects.exists()


def test_staff_form_refuses_a_document_without_the_document_permission(client_of, kind):
    response = client_of.post(reverse("product_create"), {"name": "With doc",
                                                          "document": factories.pdf_upload("d.pdf")})
    if kind == "superuser":
        assert response.status_code == 302 and Product.objects.get(name="With doc").document
    elif kind == "product":
        assert response.status_code == 400
        assert "You do not have permission to set the product&#x27;s document." in body(response)
        assert not Product.objects.exists()
    else:
        _assert_form_refused(response, kind)
        assert not Product.objects.exists()


def test_staff_form_edit(client_of, kind, lamp):
    url = reverse("product_edit", args=[lamp.slug])
    page = client_of.get(url)
    response = client_of.post(url, {"name": "Renamed"})
    lamp.refresh_from_db()
    if kind in ("product", "superuser"):
        assert page.status_code == 200 and 'value="Lamp"' in body(page)
        assert response.status_code == 302 and lamp.name == "Renamed"
        assert lamp.document  # not cleared for lack of the field
    else:
        _assert_form_refused(page, kind)
        _assert_form_refused(response, kind)
        assert lamp.name == "Lamp"


def test_staff_form_edit_cannot_clear_the_document_without_the_permission(client, lamp):
    """The product-only user has the form but not the document permission: clearing is refused too."""
    client.force_login(make_user("product"))
    response = client.post(reverse("product_edit", args=[lamp.slug]), {"name": "Lamp", "document-clear": "on"})
    assert response.status_code == 400
    lamp.refresh_from_db()
    assert lamp.document


def test_document_download(client_of, kind, lamp):
    for url in (lamp.public_doc.file.url, lamp.document.url):
        response = client_of.get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    response = client_of.get(lamp.staff_doc.file.url)
    if kind in ("viewer", "document", "superuser"):
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == lamp.staff_doc.file.read()
    elif kind == "anonymous":
        assert response.status_code == 302 and LOGIN in response["Location"]
    else:
        assert response.status_code == 403 and b"%PDF" not in response.content


# --- unknown and malformed ids: 404, never 500 ------------------------------------------------------

BAD_IDS = ["abc", "1.5", "../1", "-1", "+1", "1_0", " 1", "0", "١", "99999999999999999999999",
           "9223372036854775808", "9223372036854775807", "1e3", "%00"]


@pytest.mark.parametrize("bad_id", BAD_IDS)
@pytest.mark.parametrize("upload_kind", ["documents", "images"])
def test_upload_endpoint_with_a_malformed_or_unknown_id_is_404(admin_client, lamp, bad_id, upload_kind):
    url = f"/admin/mediadmin/product/{bad_id}/upload/{upload_kind}/"
    response = admin_client.post(url, {"file": txt()})
    assert response.status_code == 404
    assert ProductDocument.objects.count() == 2 and ProductImage.objects.count() == 1


@pytest.mark.parametrize("bad_product", ["abc", "1.5", "-1", "99999999999999999999999", "9223372036854775807"])
def test_bulk_upload_to_a_malformed_product_is_a_form_error(admin_client, lamp, bad_product):
    response = admin_client.post(admin_url("bulk_upload_file"),
                                 {"file": txt(), "target": "product", "product": bad_product})
    assert response.status_code == 400 and "product" in response.json()["errors"]
    assert ProductDocument.objects.count() == 2


@pytest.mark.parametrize("name", ["documents/nope.pdf", "documents/%00.pdf", "%00", "x" * 3000,
                                  "documents/../../private/x.pdf", "..%2f..%2fsettings.py"])
def test_document_download_of_an_unknown_or_malformed_name_is_404(client, lamp, name):
    assert client.get(f"/documents/{name}").status_code == 404


@pytest.mark.parametrize("slug", ["nope", "x" * 3000, "%C3%A9t%C3%A9", "lamp%00", "..", "lamp.pdf"])
def test_public_and_edit_pages_of_an_unknown_slug_are_404(admin_client, lamp, slug):
    assert admin_client.get(f"/products/{slug}/").status_code == 404
    assert admin_client.get(f"/products/{slug}/edit/").status_code == 404
    assert admin_client.post(f"/products/{slug}/edit/", {"name": "X"}).status_code == 404


# --- recoverable deletion and the file history ------------------------------------------------

def test_recover_list_of_deleted_products_by_kind(client_of, kind, lamp):
    """Reversion's "Recover deleted products" list: add and change product (permissions.may_recover)."""
    response = client_of.get(admin_url("recoverlist"))
    if kind in ("product", "superuser"):
        assert response.status_code == 200
    else:
        assert_refused(response, kind)


def test_recent_file_activity_page_by_kind(client_of, kind, lamp):
    """The site-wide file history: mediadmin.view_fileevent (permissions.may_view_activity)."""
    response = client_of.get(reverse("admin:mediadmin_fileevent_changelist"))
    if kind == "superuser":
        assert response.status_code == 200
    else:
        assert_refused(response, kind)
