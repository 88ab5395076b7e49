"""A real worker makes the thumbnails: django-tasks-db's queue and `manage.py db_worker --batch`.

Everything runs in subprocesses with the production settings module and the documented
environment (DJANGO_TASKS_BACKEND=django_tasks_db.DatabaseBackend), on a SQLite database
and a media folder of their own, so it is the same under `make test-postgres`.
Uploads go through the admin's add form (tests/worker_steps.py).
"""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mediadmin.settings import MEDIADMIN_RESPONSIVE_SIZES as PRODUCTION_RESPONSIVE_SIZES

ROOT = Path(__file__).resolve().parent.parent
TASK = "mediadmin.tasks.make_thumbnails"
SIZES = ["admin_list", "admin_inline", "admin_preview", "card", "detail", "gallery"]
# The worker runs the production settings: the named sizes and every responsive variant.
ALL_SIZES = len(SIZES) + sum(len(spec["widths"]) * (len(spec["formats"]) + 1)
                             for spec in PRODUCTION_RESPONSIVE_SIZES.values())


class Site:
    """One deployment: its environment and a runner of manage.py commands."""

    def __init__(self, tmp):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("DJANGO_", "MEDIADMIN_")) and k not in {"DATABASE_URL", "REDIS_URL"}}
        env.update(
            DJANGO_SETTINGS_MODULE="mediadmin.settings",
            DJANGO_TASKS_BACKEND="django_tasks_db.DatabaseBackend",
            DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
            DJANGO_MEDIA_ROOT=str(tmp / "media"),
            MEDIADMIN_PRIVATE_ROOT=str(tmp / "private"),
            MEDIADMIN_THUMBNAIL_MAKE_IN_REQUEST="0",
            DJANGO_ALLOWED_HOSTS="testserver",
            # Pages are rendered without a collectstatic first.
            DJANGO_STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage",
        )
        self.env = env
        self.timings = {}

    def manage(self, *args):
        """Run a manage.py command; fail the test with its output unless it succeeds."""
        start = time.monotonic()
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env,
                                capture_output=True, text=True, timeout=120)
        self.timings[args[0] if args[0] != "shell" else args[-1].split(";")[-1].strip()] = \
            time.monotonic() - start
        assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
        return result

    def step(self, call):
        """Run a function of tests/worker_steps.py in `manage.py shell`; return the state it prints."""
        result = self.manage("shell", "-c", f"from tests import worker_steps; worker_steps.{call}")
        return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Migrate, upload two products in the admin, lose one source file, then run the worker once."""
    site = Site(tmp_path_factory.mktemp("worker-site"))
    site.migrated = site.manage("migrate", "--noinput")
    site.checked = site.manage("check", "--fail-level", "WARNING")
    site.queued = site.step('upload(["chair", "lamp"])')
    site.lost = site.step('delete_source("lamp")')
    site.worker = site.manage("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    site.after = site.step("report()")
    yield site
    print("timings (s):", {name: round(seconds, 2) for name, seconds in site.timings.items()})


def _tasks_of(state, image):
    name = state["images"][image]["name"]
    return [t for t in state["tasks"] if t["args"][3] == name]  # oldest first


def _made(state, image):
    return [size for size, found in state["images"][image]["sizes"].items() if found["file"] and found["recorded"]]


def test_the_database_backend_migrates_and_passes_the_checks(site):
    assert "Applying django_tasks_database.0001_initial... OK" in site.migrated.stdout
    assert "no issues" in site.checked.stdout


def test_an_upload_only_queues_its_task(site):
    state = site.queued
    assert set(state["images"]) == {"chair", "chair/gallery", "lamp", "lamp/gallery"}
    for image, found in state["images"].items():
        assert found["source"], image
        assert not any(size["file"] or size["recorded"] for size in found["sizes"].values()), image
        [task] = _tasks_of(state, image)
        assert (task["name"], task["status"]) == (TASK, "READY")
    assert len(state["tasks"]) == 4  # one row per image, though the change page showed placeholders
    assert all(count >= 2 for count in state["placeholders"].values())  # main image and gallery row


def test_the_worker_makes_every_named_size_and_the_page_shows_them(site):
    for image in ("chair", "chair/gallery"):
        assert _made(site.after, image) == SIZES
        [task] = _tasks_of(site.after, image)
        assert (task["status"], task["return_value"]) == ("SUCCESSFUL", ALL_SIZES)
    assert site.after["pages"]["chair"] == {"placeholders": 0, "thumbnails": 2}  # detail, gallery


def test_a_lost_source_ends_its_task_and_the_worker_goes_on(site):
    assert not site.lost["images"]["lamp"]["source"]
    assert _made(site.after, "lamp") == []
    task, again = _tasks_of(site.after, "lamp")
    assert (task["status"], task["return_value"]) == ("SUCCESSFUL", 0)  # nothing to make, no crash
    assert "could not be made (missing source)" in site.worker.stderr
    # The image after it in the queue was still done.
    assert _made(site.after, "lamp/gallery") == SIZES
    # The page shows the placeholder and asks the worker again, without making anything.
    assert site.after["pages"]["lamp"] == {"placeholders": 1, "thumbnails": 1}
    assert again["status"] == "READY"
