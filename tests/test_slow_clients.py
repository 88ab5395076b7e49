"""Slow clients: the documented gunicorn setup keeps answering while clients dribble request bodies.

The real gunicorn of the virtualenv, started like `make serve` does (gthread workers), on a free
loopback port. 2 x W anonymous clients each send a POST's headers, then its body a byte at a
time; the home page must still answer. With sync workers it does not: each slow body holds a
whole worker until gunicorn's timeout kills it, and the probe times out (run by hand with
start_gunicorn(..., "sync", threads=1), reported in docs/deployment.md; gunicorn silently
switches a sync worker given --threads above 1 to gthread).
"""
import http.client
import os
import select
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKERS = 2
THREADS = 8  # the Makefile's default (THREADS)
BODY_LENGTH = 100_000
ANSWER_WITHIN = 10  # seconds: the bound on the probe, not a measurement


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MEDIADMIN_"))}
    env.update(DJANGO_SETTINGS_MODULE="mediadmin.settings", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
               DJANGO_MEDIA_ROOT=str(tmp_path / "media"), MEDIADMIN_PRIVATE_ROOT=str(tmp_path / "private"),
               # No collectstatic here: plain static storage instead of the manifest.
               DJANGO_STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage")
    return env


def _get(port, path="/", timeout=ANSWER_WITHIN):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Set-Cookie") or ""
    finally:
        connection.close()


def _wait_until_up(port, server):
    for _ in range(120):  # at most about 60 s for the workers to boot
        if server.poll() is not None:
            raise AssertionError("gunicorn exited while starting")
        try:
            if _get(port, timeout=5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError("gunicorn did not answer within a minute")


def start_gunicorn(tmp_path, worker_class, workers=WORKERS, threads=THREADS):
    """gunicorn as `make serve` runs it, on a free loopback port: (process, port, log path)."""
    env = _environment(tmp_path)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env,
                   check=True, timeout=300)
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "mediadmin.wsgi", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--worker-class", worker_class, "--threads", str(threads)]
    with open(log, "wb") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    return server, port, log


def open_slow_posts(port, count, csrf_cookie):
    """count sockets that have sent a login POST's headers and the first byte of its body."""
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall((f"POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      f"Cookie: {csrf_cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                      f"Content-Length: {BODY_LENGTH}\r\n\r\nu").encode())
        sockets.append(sock)
    return sockets


def dribble(sockets, stop, interval=0.5):
    """Send one more body byte on every socket each interval until stop is set (bounded by BODY_LENGTH)."""
    for _ in range(BODY_LENGTH - 1):
        if stop.wait(interval):
            return
        for sock in sockets:
            try:
                sock.sendall(b"x")
            except OSError:
                pass


def probe_while_slow(port, worker_count=WORKERS):
    """Hold 2 x workers slow bodies open and ask for the home page: (status or error, slow ones pending)."""
    cookie = _get(port, "/admin/login/")[1].split(";")[0]  # csrftoken=...: Django then reads the body
    assert cookie.startswith("csrftoken=")
    sockets = open_slow_posts(port, 2 * worker_count, cookie)
    stop = threading.Event()
    dribbler = threading.Thread(target=dribble, args=(sockets, stop), daemon=True)
    dribbler.start()
    try:
        time.sleep(1)  # let the workers pick the slow requests up
        try:
            outcome = _get(port)[0]
        except OSError as exc:  # socket.timeout included
            outcome = repr(exc)
        readable, _, _ = select.select(sockets, [], [], 0)
        return outcome, len(sockets) - len(readable)
    finally:
        stop.set()
        dribbler.join(timeout=5)
        for sock in sockets:
            sock.close()


def _stop(server):
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=15)


def test_home_page_answers_while_clients_dribble_bodies(tmp_path):
    server, port, log = start_gunicorn(tmp_path, "gthread")
    try:
        _wait_until_up(port, server)
        outcome, still_pending = probe_while_slow(port)
        assert "Using worker: gthread" in log.read_text()
        assert outcome == 200, (outcome, log.read_text()[-3000:])
        # The slow requests were really being served, not refused: none has had an answer yet.
        assert still_pending == 2 * WORKERS
    finally:
        _stop(server)
