"""The audit's listing: GNU find, the Python walk and the plain Storage API walk list the same files."""
import contextlib
import os
import shutil
import threading

import pytest
from django.core.files.storage import FileSystemStorage

from mediadmin.audit.listing import Lister, LocalLister, findwalk, lister_for, local


def _tree(root):
    """Files in every shape a media folder may hold, and links that are never media."""
    files = {
        "at-root.txt": b"r",
        "product_images/chair.jpg": b"c" * 10,
        "product_images/with space and\nnewline.jpg": b"s" * 3,
        "documents/deep/er/manual.pdf": b"m" * 7,
        "documents/[skip]*/hidden.pdf": b"h",
        "documents/[skip]*/more/hidden.pdf": b"h",
        "documents/kept/[skip]*.pdf": b"k",
        "cache/ab/cd/thumb.jpg": b"t" * 5,
        ".trash/20260101T000000Z-abcdef/files/x.jpg": b"x",
    }
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    os.makedirs(os.path.join(os.fsencode(root), b"latin1-\xe9t\xe9"))
    with open(os.path.join(os.fsencode(root), b"latin1-\xe9t\xe9", b"caf\xe9.jpg"), "wb") as fh:
        fh.write(b"l")
    (root / "product_images/link.jpg").symlink_to(root / "product_images/chair.jpg")
    (root / "linked-folder").symlink_to(root / "documents")
    return files


def _listed(storage, skip):
    return sorted((folder, item) for folder, batch in local.LocalLister(storage).batches(skip) for item in batch)


SKIP = [".trash/", "documents/[skip]*/"]


def test_find_and_the_python_walk_list_the_same_files(media_root, monkeypatch):
    _tree(media_root)
    storage = FileSystemStorage(location=media_root)
    real, used = findwalk.find_batches, []
    monkeypatch.setattr(local, "find_batches", lambda *args: used.append(real(*args)) or used[-1])
    with_find = _listed(storage, SKIP)
    assert used and used[0] is not None and next(used[0], None) is None  # find listed everything
    monkeypatch.setattr(local, "find_batches", lambda *args, **kwargs: None)
    assert _listed(storage, SKIP) == with_find
    names = [item[0] for _folder, item in with_find]
    assert "product_images/with space and\nnewline.jpg" in names
    assert os.fsdecode(b"latin1-\xe9t\xe9/caf\xe9.jpg") in names
    assert "documents/kept/[skip]*.pdf" in names
    assert not any("hidden" in n or ".trash" in n or "link" in n for n in names)
    chair = next(item for _folder, item in with_find if item[0] == "product_images/chair.jpg")
    assert chair[1:] == (10, pytest.approx(os.stat(media_root / "product_images/chair.jpg").st_mtime, abs=1e-6))


def test_find_lists_a_folder_tree(media_root):
    _tree(media_root)
    batches = list(findwalk.find_batches(str(media_root), ["product_images", "documents"], SKIP))
    assert {folder for folder, _files in batches} == {"product_images", "documents"}
    assert sorted(f[0] for _folder, files in batches for f in files) == [
        "documents/deep/er/manual.pdf", "documents/kept/[skip]*.pdf",
        "product_images/chair.jpg", "product_images/with space and\nnewline.jpg"]


def test_the_python_walk_is_used_when_find_cannot_be(media_root, monkeypatch):
    _tree(media_root)
    (media_root / "-looks-like-an-option").mkdir()
    (media_root / "-looks-like-an-option/a.jpg").write_bytes(b"a")
    assert findwalk.find_batches(str(media_root), ["-looks-like-an-option"]) is None
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert findwalk.find_batches(str(media_root), ["documents"]) is None
    names = [item[0] for _f, item in _listed(FileSystemStorage(location=media_root), SKIP)]
    assert "-looks-like-an-option/a.jpg" in names and "documents/deep/er/manual.pdf" in names


def test_find_output_cut_anywhere_parses_the_same():
    records = [("top", "top/a b.jpg", 1, 1.5), ("top", "top/\u00e9.jpg", 22, 2.25), ("other", "other/c", 333, 3.0)]
    data = b"".join(os.fsencode(f"{t}\0{s}\0{m}\0{n}\0") for t, n, s, m in records)
    expected = [("top", [("top/a b.jpg", 1, 1.5), ("top/\u00e9.jpg", 22, 2.25)]), ("other", [("other/c", 333, 3.0)])]
    for cut in range(len(data) + 1):
        batches = []
        tail = findwalk._parse(data[:cut], batches)
        assert findwalk._parse(tail + data[cut:], batches) == b""
        merged = {}
        for folder, files in batches:
            merged.setdefault(folder, []).extend(files)
        assert list(merged.items()) == expected


def test_find_failing_at_once_means_the_python_walk_failing_later_an_error(media_root, monkeypatch):
    _tree(media_root)
    storage = FileSystemStorage(location=media_root)
    expected = _listed(storage, SKIP)
    for find in ("/bin/false", "/bin/echo"):  # fails at once; prints what is not -printf's
        monkeypatch.setattr(shutil, "which", lambda name, find=find: find)
        assert _listed(storage, SKIP) == expected
    monkeypatch.undo()
    batches = findwalk.find_batches(str(media_root), ["product_images", "not-there"])
    with pytest.raises(OSError, match="could not list every file"):
        list(batches)


def test_files_deleted_while_find_lists_them_are_left_out_not_an_error(media_root):
    """Products deleted during a scan: find reads a folder, the files go, find stats them."""
    folder = media_root / "product_images"
    folder.mkdir()
    names = [f"{i}.jpg" for i in range(20000)]
    for name in names:
        (folder / name).touch()

    def delete_all():
        for name in names:
            (folder / name).unlink()

    deleter = threading.Thread(target=delete_all)
    batches = findwalk.find_batches(str(media_root), ["product_images"])
    deleter.start()
    listed = [f[0] for _folder, files in batches for f in files]
    deleter.join()
    assert set(listed) <= {f"product_images/{n}" for n in names}


def test_files_and_folders_deleted_during_the_python_walk_are_left_out(media_root, monkeypatch):
    """The same for the walk in Python: a file gone before its stat, a folder gone before it is read."""
    _tree(media_root)
    storage = FileSystemStorage(location=media_root)
    monkeypatch.setattr(local, "find_batches", lambda *args, **kwargs: None)
    before = {item[0] for _f, item in _listed(storage, SKIP)}
    real_scandir = os.scandir

    def scandir_then_delete(path):
        with real_scandir(path) as scan:
            entries = list(scan)
        if any(e.name == "chair.jpg" for e in entries):  # listed, then deleted before its stat
            (media_root / "product_images/chair.jpg").unlink()
        if any(e.name == "deep" for e in entries):  # listed, then deleted before it is opened
            shutil.rmtree(media_root / "documents/deep")
        return contextlib.nullcontext(iter(entries))

    monkeypatch.setattr(os, "scandir", scandir_then_delete)
    after = {item[0] for _f, item in _listed(storage, SKIP)}
    assert after == before - {"product_images/chair.jpg", "documents/deep/er/manual.pdf"}


def test_find_runs_before_the_first_batch_is_asked_for_and_close_stops_it(media_root, monkeypatch):
    """The scan reads the rows while find lists: find starts at once, and closing the listing
    unread (the rows could not be read, say) stops find and its reading thread."""
    _tree(media_root)
    started = []
    real_popen = findwalk.subprocess.Popen

    def popen(*args, **kwargs):
        started.append(real_popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(findwalk.subprocess, "Popen", popen)
    batches = local.LocalLister(FileSystemStorage(location=media_root)).batches(SKIP)
    assert len(started) == 1  # find is running (or done) before a batch is asked for
    batches.close()
    assert started[0].returncode is not None
    assert not any(t.name == "find-drain" for t in threading.enumerate())


def _records(lister, skip):
    """(folder, name, size) of every listed file, and {name: mtime}."""
    batches = [(folder, item) for folder, batch in lister.batches(skip) for item in batch]
    return sorted((folder, name, size) for folder, (name, size, _mtime) in batches), {
        name: mtime for _folder, (name, _size, mtime) in batches}


def test_the_fast_local_backends_list_what_the_reference_walk_lists(media_root, monkeypatch):
    """The local backend is an optimisation of the plain Storage API walk: same files, sizes, times."""
    _tree(media_root)
    for link in ("product_images/link.jpg", "linked-folder"):  # the Storage API follows links
        (media_root / link).unlink()
    storage = FileSystemStorage(location=media_root)
    assert type(lister_for(storage)) is LocalLister and type(lister_for(storage, generic=True)) is Lister
    reference, times = _records(Lister(storage), SKIP)
    assert len(reference) == 7 and ("documents", "documents/deep/er/manual.pdf", 7) in reference
    with_find = _records(LocalLister(storage), SKIP)
    monkeypatch.setattr(local, "find_batches", lambda *args, **kwargs: None)
    walked = _records(LocalLister(storage), SKIP)
    for listed, listed_times in (with_find, walked):
        assert listed == reference
        assert listed_times == pytest.approx(times, abs=1e-5)  # Django's datetimes hold microseconds


def test_every_backend_finds_the_same_existing_names(media_root):
    _tree(media_root)
    storage = FileSystemStorage(location=media_root)
    names = {"product_images/chair.jpg", "product_images/gone.jpg", "documents/deep", "../outside.txt"}
    expected = {"product_images/chair.jpg", "documents/deep"}
    assert Lister(storage).existing(names) == LocalLister(storage).existing(names) == expected
