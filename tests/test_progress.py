"""The progress line of the long-running commands."""
import io

import pytest
from django.core.management import call_command
from django.core.management.base import OutputWrapper

from mediadmin.progress import Progress

from . import factories


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_known_total_draws_a_bar_with_percentage_and_time_left():
    clock, out = Clock(), io.StringIO()
    progress = Progress(OutputWrapper(out), "Moving", "files", total=200, log_every=5, clock=clock)
    clock.now += 10
    progress.update(50)
    assert out.getvalue().splitlines()[-1] == (
        "Moving: [#######.......................] 50/200 files (25%), 10.0 s, 30 s left")


def test_an_unknown_total_shows_the_count_and_rate():
    clock = Clock()
    progress = Progress(OutputWrapper(io.StringIO()), "Scanning storage", "files", clock=clock)
    clock.now += 4
    progress.update(20_000)
    assert progress.line() == "Scanning storage: 20,000 files, 5,000/s, 4.0 s"


def test_in_a_log_a_line_every_few_seconds_on_a_terminal_redrawn_in_place():
    clock, log = Clock(), io.StringIO()
    progress = Progress(OutputWrapper(log), "Scanning storage", "files", log_every=5, clock=clock)
    for count in range(1, 101):  # 100 updates over 10 s
        clock.now += 0.1
        progress.update(count)
    assert len(log.getvalue().splitlines()) == 2  # the first, then one per 5 s
    progress.finish()
    assert log.getvalue().splitlines()[-1].startswith("Scanning storage: 100 files")
    clock, screen = Clock(), Terminal()
    progress = Progress(OutputWrapper(screen), "Scanning storage", "files", clock=clock)
    for count in range(1, 101):
        clock.now += 0.05
        progress.update(count)
    progress.finish()
    text = screen.getvalue()
    assert "\n" not in text.rstrip("\n")  # one line, redrawn in place
    assert 25 <= text.count("\r") <= 52  # at most every 0.1 s (5 s of updates), not 100 times
    assert text.rstrip("\n").rsplit("\r", 1)[-1].startswith("Scanning storage: 100 files")


@pytest.mark.django_db
def test_cleanup_orphans_reports_its_scan_progress(media_root):
    factories.product("Lamp")
    (media_root / "product_images" / "stray.jpg").write_bytes(b"x")
    err = io.StringIO()
    call_command("cleanup_orphans", stdout=io.StringIO(), stderr=err)
    assert "Scanning storage: " in err.getvalue() and " files, " in err.getvalue()
