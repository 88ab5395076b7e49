"""The storage audit: scan, grace period, quarantine, restore, purge, refusals, the command."""
import hashlib
import importlib
import json
import time

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mediadmin import audit, thumbnails
from mediadmin.audit import trash as trash_mod
from mediadmin.models import Product
from mediadmin.services import trash as trash_service

from . import factories
from .audit_helpers import DAY, make_old, plain, scenario, store, summary

pytestmark = pytest.mark.django_db(transaction=True)


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_scan_reports_orphans_missing_shared_and_totals(media_root):
    s = scenario(default_storage)
    report = audit.audit()
    result = summary(report)
    assert result["orphans"] == [("documents/old/forgotten.pdf", 100),
                                 ("product_images/left-over.jpg", s["left_over_size"])]
    assert result["missing"] == [("mediadmin.Product.image", plain(s["ghost"].image.name))]
    assert result["shared"] == {plain(s["chair"].image.name): ["mediadmin.Product.image"] * 2}
    assert result["fields"]["mediadmin.Product.image"]["count"] == 3  # chair, twin, ghost (missing)
    assert "mediadmin.ProductDocument.file" not in result["fields"]  # documents: private storage
    assert result["folders"]["product_images"]["count"] == 2
    assert report.files.count == sum(t["count"] for t in result["folders"].values())
    private = summary(audit.audit("private"))
    assert private["fields"]["mediadmin.ProductDocument.file"]["count"] == 1
    assert private["fields"]["mediadmin.Product.document"]["count"] == 1
    assert private["orphans"] == [] and private["missing"] == []


def test_another_storage_nested_in_the_media_root_is_left_out(settings, media_root):
    settings.MEDIADMIN_PRIVATE_ROOT = media_root / "private"
    factories.document(factories.product("Desk", with_image=False))
    report = audit.audit()
    assert report.orphans == [] and report.files.count == 0


def test_generic_storage_api_walk_matches_the_fast_path(media_root):
    scenario(default_storage)
    assert summary(audit.scan(default_storage, generic=True)) == summary(audit.scan(default_storage))


def test_gitkeep_and_symlinks_are_never_orphans(media_root, tmp_path):
    (media_root / ".gitkeep").write_bytes(b"")
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"not media")
    (media_root / "link.txt").symlink_to(outside)
    report = audit.audit()
    assert report.orphans == [] and report.ignored == 1


def test_grace_period_keeps_recent_orphans(media_root):
    old = store(default_storage, "product_images/old.jpg")
    make_old(default_storage, old)
    store(default_storage, "product_images/new.jpg")
    report = audit.audit()
    assert [f.name for f, _k, _s in report.candidates(audit.orphan_grace())] == [old]
    result = trash_service.quarantine_orphans(report)
    assert [e["name"] for e in result.done] == [old]
    assert (media_root / "product_images/new.jpg").exists()
    assert not (media_root / old).exists()


def test_upload_in_flight_during_a_scan_is_never_quarantined(media_root):
    """A file stored while the scan runs, whose row commits only after the move, stays."""
    in_flight = {}

    def upload_now(count):  # called by the scan while it lists the storage
        if not in_flight:
            in_flight["name"] = store(default_storage, "product_images/uploading.jpg",
                                      factories.image_bytes())

    make_old(default_storage, store(default_storage, "product_images/stale.jpg"))
    report = audit.scan(default_storage, progress=upload_now)
    result = trash_service.quarantine_orphans(report)  # default grace period
    assert in_flight["name"] not in [e["name"] for e in result.done]
    product = Product(name="Late")
    product.image.name = in_flight["name"]
    product.save()  # the upload's row commits after the move
    assert (media_root / in_flight["name"]).exists()
    assert [e["name"] for e in result.done] == ["product_images/stale.jpg"]


def test_row_committed_after_the_scan_is_rechecked_before_the_move(media_root):
    """Even with no grace period, the database is asked again right before each move."""
    name = store(default_storage, "product_images/racing.jpg")
    report = audit.audit()
    assert [f.name for f in report.orphans] == [name]
    product = Product(name="Racer")
    product.image.name = name
    product.save()  # commits between the scan and the move
    result = trash_service.quarantine_orphans(report, older_than=0)
    assert result.done == [] and result.skipped == [(name, "referenced")]
    assert (media_root / name).exists()


def test_quarantine_then_restore_is_byte_identical(media_root):
    names = [store(default_storage, "product_images/a.jpg", factories.image_bytes()),
             store(default_storage, "documents/deep/b.pdf", factories.pdf_bytes())]
    before = {n: _sha(media_root / n) for n in names}
    result = trash_service.quarantine_orphans(audit.audit(), older_than=0)
    assert sorted(e["name"] for e in result.done) == sorted(names)
    assert not any((media_root / n).exists() for n in names)
    trash = audit.trash_for(default_storage)
    [batch] = audit.batches(trash)
    assert (batch.id, batch.count) == (result.batch, 2)
    restored = trash_service.restore(default_storage, result.batch)
    assert sorted(e["name"] for e in restored.done) == sorted(names)
    assert {n: _sha(media_root / n) for n in names} == before
    assert audit.batches(trash) == []
    # Only the manifest stays, remembering the restore (the next --delete leaves these files alone).
    assert [p.name for p in (media_root / ".trash" / result.batch).rglob("*") if p.is_file()] == ["manifest.json"]


def test_restore_leaves_a_file_whose_name_is_taken_in_the_trash(media_root):
    name = store(default_storage, "product_images/a.jpg", b"old")
    result = trash_service.quarantine_orphans(audit.audit(), older_than=0)
    (media_root / name).write_bytes(b"new upload with the same name")
    restored = trash_service.restore(default_storage, result.batch)
    assert restored.skipped == [(name, "name-taken")]
    assert (media_root / name).read_bytes() == b"new upload with the same name"
    [batch] = audit.batches(audit.trash_for(default_storage))
    assert batch.count == 1


def test_trash_is_not_scanned_and_purge_respects_age(media_root):
    store(default_storage, "product_images/a.jpg")
    first = trash_service.quarantine_orphans(audit.audit(), older_than=0)
    assert audit.audit().files.count == 0  # the trash folder is left out
    trash = audit.trash_for(default_storage)
    assert trash_service.purge(trash, older_than=30 * DAY) == []
    purged = trash_service.purge(trash, older_than=30 * DAY, now=time.time() + 31 * DAY)
    assert [b.id for b in purged] == [first.batch]
    assert not any(p.is_file() for p in (media_root / ".trash").rglob("*"))


def test_stale_thumbnails_are_reported_and_moved_with_their_orphan_source(media_root):
    product = factories.product("Lamp")
    kept = thumbnails.thumbnail(product.image, "admin_list")
    orphan_source = factories.product("Gone")
    gone_thumb = thumbnails.thumbnail(orphan_source.image, "admin_list")
    Product.objects.filter(pk=orphan_source.pk).update(image="")  # bypasses django-cleanup
    stray = store(default_storage, "cache/ab/cd/stray.jpg", b"thumb")
    report = audit.audit()
    reasons = {t.file.name: t.reason for t in report.thumbnails}
    assert reasons.pop(stray) == "no_entry"
    assert reasons[gone_thumb.name] == "source_orphan"
    # Every size made of the orphaned image goes with it; none of the Lamp's.
    assert {t.source for t in report.thumbnails if t.file.name != stray} == {orphan_source.image.name}
    assert kept.name not in reasons
    result = trash_service.quarantine_orphans(report, older_than=0)
    moved = {e["name"] for e in result.done}
    assert {orphan_source.image.name, gone_thumb.name, stray} <= moved
    assert moved == {orphan_source.image.name, stray, *reasons}
    assert (media_root / kept.name).exists()


def test_batch_ids_are_checked():
    with pytest.raises(ValueError):
        trash_mod.check_batch_id("../../etc")


@pytest.mark.parametrize("age, seconds", [("24h", 86400), ("30d", 2592000), ("90m", 5400), ("0", 0),
                                          ("2w", 1209600), ("15s", 15)])
def test_parse_age(age, seconds):
    assert audit.parse_age(age) == seconds


@pytest.mark.parametrize("root", ["/", "project", "parent", "relative"])
def test_dangerous_roots_are_refused(settings, root):
    from pathlib import Path

    settings.MEDIA_ROOT = {"/": "/", "project": str(settings.BASE_DIR),
                           "parent": str(Path(settings.BASE_DIR).parent), "relative": "media"}[root]
    with pytest.raises(audit.UnsafeRoot):
        audit.audit()
    with pytest.raises(CommandError, match="Refusing to run"):
        call_command("cleanup_orphans", "--no-progress")


def test_a_folder_with_project_files_is_refused(settings, tmp_path):
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "manage.py").write_text("")
    settings.MEDIA_ROOT = tmp_path / "proj"
    with pytest.raises(audit.UnsafeRoot, match="manage.py"):
        audit.audit()


def test_command_dry_run_delete_restore_purge(media_root, capsys):
    name = store(default_storage, "product_images/old.jpg", b"z" * 2048)
    make_old(default_storage, name)
    call_command("cleanup_orphans", "--no-progress")
    out = capsys.readouterr().out
    assert "product_images/old.jpg" in out and "2.0\xa0KB" in out and "Dry run: 1 file (" in out
    assert (media_root / name).exists()
    call_command("cleanup_orphans", "--delete", "--json", "--no-progress")
    data = json.loads(capsys.readouterr().out)
    batch = data["moved"]["batch"]
    assert [e["name"] for e in data["moved"]["done"]] == [name] and not (media_root / name).exists()
    call_command("cleanup_orphans", "--list-trash")
    assert batch in capsys.readouterr().out
    call_command("cleanup_orphans", "--restore", batch)
    assert (media_root / name).read_bytes() == b"z" * 2048
    call_command("cleanup_orphans", "--delete", "--older-than", "0", "--no-progress")
    capsys.readouterr()
    call_command("cleanup_orphans", "--purge-trash", "--older-than", "0", "--json")
    assert len(json.loads(capsys.readouterr().out)["purged"]) == 1


def test_command_errors_say_what_to_do():
    with pytest.raises(CommandError, match="--list-trash"):
        call_command("cleanup_orphans", "--restore", "20260101T000000Z-abcdef")
    with pytest.raises(CommandError, match="e.g. 24h"):
        call_command("cleanup_orphans", "--older-than", "soon")
    with pytest.raises(CommandError, match="STORAGES"):
        call_command("cleanup_orphans", "--storage", "nope")


def test_checks_warn_about_a_dangerous_media_root_and_a_bad_trash_alias(settings):
    from mediadmin import checks

    settings.MEDIA_ROOT = "/"
    assert [m.id for m in checks.check_audit_root(None)] == ["mediadmin.W020"]
    settings.MEDIADMIN_TRASH_STORAGE = "nowhere"
    assert [m.id for m in checks.check_trash_storage(None)] == ["mediadmin.E021"]


def test_a_file_written_again_after_the_scan_is_not_moved(media_root):
    name = store(default_storage, "product_images/again.jpg", b"first")
    make_old(default_storage, name)
    report = audit.audit()
    (media_root / name).write_bytes(b"written again by someone")  # new mtime
    result = trash_service.quarantine_orphans(report)
    assert result.done == [] and result.skipped == [(name, "changed-or-gone")]
    assert (media_root / name).exists()


def test_a_file_stored_after_its_folder_was_listed_is_not_reported_missing(media_root):
    product = Product(name="Late file")
    product.image.name = "product_images/arrives-late.jpg"
    product.save()  # the row exists before its file, as during an upload

    def file_arrives(count):  # called by the scan once the listing is done
        (media_root / "product_images").mkdir(exist_ok=True)
        (media_root / product.image.name).write_bytes(b"late")

    report = audit.scan(default_storage, progress=file_arrives)
    assert report.missing == []


scan_mod = importlib.import_module("mediadmin.audit.scan")  # `audit.scan` is the function


def _during_the_listing(monkeypatch, action, hide=()):
    """Run `action` once the scan has read the rows, before it takes the first listed batch.

    Names in `hide` are left out of the listing, as when its folder is read after `action`.
    """
    real = scan_mod.lister_for

    def lister_for(*args, **kwargs):
        lister = real(*args, **kwargs)
        real_batches = lister.batches

        def listing(skip=()):
            batches = real_batches(skip)

            def consumed():
                try:
                    action()
                    for folder, batch in batches:
                        yield folder, [f for f in batch if f[0] not in hide]
                finally:
                    batches.close()
            return consumed()
        lister.batches = listing
        return lister

    monkeypatch.setattr(scan_mod, "lister_for", lister_for)


def test_a_row_committed_after_the_rows_were_read_is_not_an_orphan(media_root, monkeypatch):
    """The rows are read while the storage is listed: a file saved with its row meanwhile is used."""
    name = store(default_storage, "product_images/saved-during-the-scan.jpg")

    def row_commits():
        product = Product(name="Saved during the scan")
        product.image.name = name
        product.save()

    _during_the_listing(monkeypatch, row_commits)
    report = audit.audit()
    assert [f.name for f in report.orphans] == []


def test_a_row_deleted_or_changed_during_the_listing_is_not_reported_missing(media_root, monkeypatch):
    """Rows read before the listing whose file went with them (deleted, or given another file)."""
    deleted, changed, ghost = factories.product("Deleted"), factories.product("Changed"), factories.product("Ghost")
    old_names = [deleted.image.name, changed.image.name]
    default_storage.delete(ghost.image.name)  # really missing, before and after

    def rows_change():
        deleted.delete()
        changed.image = factories.image_upload("replacement.jpg")
        changed.save()
        for name in old_names:  # django-cleanup removes them on commit; make sure
            if default_storage.exists(name):
                default_storage.delete(name)

    _during_the_listing(monkeypatch, rows_change, hide=old_names)
    report = audit.audit()
    assert [(ref.pk, name) for ref, name in report.missing] == [(ghost.pk, ghost.image.name)]
    assert report.orphans == []


def test_only_orphans_newer_than_the_slack_are_asked_about_again(media_root):
    """An old orphan costs no query; a recent one costs one IN (...) per file field."""
    factories.product("Chair")
    make_old(default_storage, store(default_storage, "product_images/old.jpg"))

    def rechecks():
        with CaptureQueriesContext(connection) as queries:
            report = audit.audit()
        return report, [q["sql"] for q in queries.captured_queries if " IN (" in q["sql"]]

    report, queries = rechecks()
    assert [f.name for f in report.orphans] == ["product_images/old.jpg"] and queries == []
    store(default_storage, "product_images/new.jpg")
    report, queries = rechecks()
    assert len(report.orphans) == 2 and len(queries) == len(audit.file_fields(default_storage))


@pytest.mark.parametrize("mine, theirs, inner", [
    (("bucket", "", "b", ""), ("bucket", "", "b", "private"), "private"),
    (("bucket", "", "b", "media"), ("bucket", "", "b", "private"), None),
    (("bucket", "", "b", "media"), ("bucket", "", "b", "media/private"), "private"),
    (("bucket", "", "b", ""), ("bucket", "", "other", "private"), None),
    (("path", "/srv/media"), ("path", "/srv/media/private"), "private"),
    (("path", "/srv/media"), ("path", "/srv/private"), None),
    (("path", "/srv/media"), ("path", "/srv/media"), None),
])
def test_nested_storage_roots(mine, theirs, inner):
    from mediadmin.audit.safety import _inside

    assert _inside(mine, theirs) == inner


def test_restore_refuses_an_unknown_batch_and_a_batch_of_another_storage(media_root):
    """The rule lives in the service: the command and the admin page only word the refusal."""
    store(default_storage, "product_images/a.jpg", b"a")
    result = trash_service.quarantine_orphans(audit.audit(), older_than=0)
    with pytest.raises(audit.BatchRefused, match="No trash batch"):
        trash_service.restore(default_storage, "20200101T000000Z-abcdef")
    with pytest.raises(audit.BatchRefused, match="came from the storage 'default'"):
        trash_service.restore(default_storage, result.batch, alias="private")
    with pytest.raises(CommandError, match="No trash batch"):
        call_command("cleanup_orphans", "--restore", "20200101T000000Z-abcdef", "--no-progress")
    assert (media_root / ".trash" / result.batch).exists()  # nothing was restored


def test_purge_refuses_an_unknown_batch_and_a_batch_of_another_storage(media_root, settings):
    """Purge goes through the same check as restore (trash.checked_manifest), in the service."""
    store(default_storage, "product_images/a.jpg", b"a")
    result = trash_service.quarantine_orphans(audit.audit(), older_than=0)
    trash = audit.trash_for(default_storage)
    for unknown in ("20200101T000000Z-abcdef", "../x", ""):
        with pytest.raises(audit.UnknownBatch):
            trash_service.purge(trash, batch=unknown, alias="default")
    with pytest.raises(audit.BatchRefused, match="came from the storage 'default', not 'private'"):
        trash_service.purge(trash, batch=result.batch, alias="private")
    assert trash_service.purge(trash, older_than=0, alias="private") == []  # by age: only that storage's batches
    settings.MEDIADMIN_TRASH_STORAGE = "default"  # the private storage now shares this trash
    with pytest.raises(CommandError, match="came from the storage 'default'"):
        call_command("cleanup_orphans", "--storage", "private", "--purge-trash", "--batch", result.batch,
                     "--no-progress")
    with pytest.raises(CommandError, match="No trash batch"):
        call_command("cleanup_orphans", "--purge-trash", "--batch", "20200101T000000Z-abcdef", "--no-progress")
    assert (media_root / ".trash" / result.batch).exists()  # nothing was purged
    assert [b.id for b in trash_service.purge(trash, batch=result.batch, alias="default")] == [result.batch]
    assert not (media_root / ".trash" / result.batch).exists()
