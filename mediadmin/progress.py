"""A one-line progress report for management commands: a bar when the total is known, a count otherwise.

On a terminal the line is redrawn in place (at most ten times a second); in a log (not a
terminal) a line is written every `log_every` seconds, so CI logs and cron mails stay short.
"""
import time


class Progress:
    """Progress of `what` (e.g. "Scanning storage") counted in `unit`s, written to a Django OutputWrapper.

    `stream` None makes it silent. `total` None (unknown, e.g. a storage listing) shows the
    count, the rate and the time so far; a total adds a bar, the percentage and the time left.
    """

    width = 30

    def __init__(self, stream, what, unit, total=None, log_every=5.0, clock=time.monotonic):
        self.stream, self.what, self.unit, self.total = stream, what, unit, total
        self.done, self.clock, self.log_every = 0, clock, log_every
        self.started = clock()
        self._drawn = None  # when the line was last written
        self._drawn_done = None  # and the count it showed
        self.tty = bool(stream is not None and getattr(stream, "isatty", lambda: False)())

    def step(self, count=1):
        """Count `count` more units."""
        self.update(self.done + count)

    def update(self, done):
        """Set the units done so far and redraw when it is time to."""
        self.done = done
        if self.stream is None:
            return
        now = self.clock()
        interval = 0.1 if self.tty else self.log_every
        finished = self.total is not None and done >= self.total
        if self._drawn is not None and now - self._drawn < interval and not finished:
            return
        self._drawn, self._drawn_done = now, done
        self._write(self.line(now))

    def line(self, now=None):
        """The text of the progress line at time `now`."""
        now = self.clock() if now is None else now
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        if self.total is None:
            return f"{self.what}: {self.done:,} {self.unit}, {rate:,.0f}/s, {elapsed:.1f} s"
        total = max(self.total, 1)
        filled = self.width * min(self.done, total) // total
        left = (self.total - self.done) / rate if rate and self.done < self.total else 0.0
        return (f"{self.what}: [{'#' * filled}{'.' * (self.width - filled)}] "
                f"{self.done:,}/{self.total:,} {self.unit} ({100 * self.done // total}%), "
                f"{elapsed:.1f} s, {left:.0f} s left")

    def finish(self):
        """Write the final state and end the line."""
        if self.stream is None or (not self.done and self.total is None):
            return
        if self._drawn_done != self.done:
            self._write(self.line())
        if self.tty:
            self.stream.write("")

    def _write(self, text):
        # A Django OutputWrapper colours stderr as errors unless given a style of its own.
        plain = {"style_func": _plain} if hasattr(self.stream, "style_func") else {}
        if self.tty:
            self.stream.write(f"\r{text}", ending="", **plain)
            self.stream.flush()
        else:
            self.stream.write(text, **plain)


def _plain(text):
    return text
