"""cleanup_orphans speaks once, in plain numbers; restores keep file times and survive the next --delete."""
import io
import json
import logging
import os
import time

import pytest
from django.core.management import call_command

from mediadmin import audit

from . import factories

pytestmark = pytest.mark.django_db

THREE_DAYS_AGO = time.time() - 3 * 86400


def _run(*args):
    out = io.StringIO()
    call_command("cleanup_orphans", "--no-progress", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def orphan(media_root):
    factories.product("Lamp")
    path = media_root / "product_images" / "old.jpg"
    path.write_bytes(b"x" * 100)
    os.utime(path, (THREE_DAYS_AGO, THREE_DAYS_AGO))
    return path


def _batch_ids(media_root):
    trash = media_root / ".trash"
    return sorted(p.name for p in trash.iterdir()) if trash.exists() else []


def test_results_are_said_once_with_singular_and_plural(orphan, media_root, caplog):
    caplog.set_level(logging.INFO)
    moved = _run("--delete")
    assert moved.count("Moved 1 file (100") == 1 and moved.count("into trash batch") == 1
    assert not [r for r in caplog.records if r.name.startswith("mediadmin.services.trash")]
    assert "Scanned 2 files" in moved and "1 file " in moved
    assert "1 trash batch." in _run("--list-trash")


def test_nothing_to_move_makes_no_batch_and_names_none(orphan, media_root):
    orphan.unlink()
    dry = _run()
    assert "nothing would move" in dry
    moved = _run("--delete")
    assert "Nothing to move: no trash batch was made." in moved and "trash batch 2" not in moved
    assert _batch_ids(media_root) == [] and "0 trash batches." in _run("--list-trash")


def test_restore_keeps_the_time_and_the_next_delete_leaves_the_file(orphan, media_root):
    _run("--delete")
    [batch] = _batch_ids(media_root)
    restored = _run("--restore", batch)
    assert "Restored 1 file from batch" in restored
    assert orphan.exists() and abs(orphan.stat().st_mtime - THREE_DAYS_AGO) < 1
    again = _run("--delete")  # three days old, but restored a moment ago: it stays
    assert "Nothing to move" in again and orphan.exists()
    assert "0 trash batches." in _run("--list-trash")
    assert "restored already" in _restore_error(batch)
    manifest = media_root / ".trash" / batch / "manifest.json"
    data = json.loads(manifest.read_text())
    data["restored"][0]["at"] -= 2 * 86400  # its restore is past the grace period now
    manifest.write_text(json.dumps(data))
    assert "Moved 1 file" in _run("--delete") and not orphan.exists()


def _restore_error(batch):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as excinfo:
        _run("--restore", batch)
    return str(excinfo.value)


def test_purge_removes_the_restore_records_once_they_are_old(orphan, media_root):
    _run("--delete")
    [batch] = _batch_ids(media_root)
    _run("--restore", batch)
    assert "Purged 0 trash batches" in _run("--purge-trash", "--older-than", "1d")
    assert _batch_ids(media_root) == [batch]  # its restore record is still needed
    trash = audit.trash_for(audit.storage_for("default"))
    assert audit.recently_restored(trash, 86400) == {"product_images/old.jpg"}
    manifest = media_root / ".trash" / batch / "manifest.json"
    data = json.loads(manifest.read_text())
    data["restored"][0]["at"] -= 2 * 86400
    manifest.write_text(json.dumps(data))
    _run("--purge-trash", "--older-than", "1d")
    assert _batch_ids(media_root) == []
