"""Benchmark: bulk upload through the real endpoint against gunicorn on 127.0.0.1.

    python bench/bench_upload.py [--files 200] [--size-mb 1] [--big-mb 1024] [--clients 4]

1. N documents of S MB each are posted one per request (as bulk-upload.js does) to
   /admin/mediadmin/product/<pk>/upload/documents/ by a few concurrent clients, and the
   same files are copied with `cp` in the same run: files/s and MB/s, both as a ratio to cp.
   Files lost (not answered 201, or missing / different in storage) must be 0.
2. One document of B MB, with MEDIADMIN_MAX_DOCUMENT_BYTES raised for that server only:
   the gunicorn worker's peak RSS (VmHWM) must stay under 150 MB.

Everything lives in a temporary folder (database, MEDIA_ROOT, upload temp files) that is
removed at the end; the servers are started and stopped by this script.
"""
import argparse
import hashlib
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
HOST = "127.0.0.1"
MB = 1024 * 1024
CHUNK = 256 * 1024
PASSWORD = "bench-password-123"


def free_port():
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def make_env(work, max_document_bytes=None):
    """Environment of the Django commands and the server: everything under `work`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MEDIADMIN_S3", "REDIS_URL"))}
    env = dict(env, DJANGO_SETTINGS_MODULE="mediadmin.settings", DJANGO_DEBUG="0",
               DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}", DJANGO_MEDIA_ROOT=str(work / "media"),
               MEDIADMIN_PRIVATE_ROOT=str(work / "private"),
               DJANGO_STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage",
               TMPDIR=str(work / "tmp"), MEDIADMIN_LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT))
    if max_document_bytes:
        env["MEDIADMIN_MAX_DOCUMENT_BYTES"] = str(max_document_bytes)
    return env


def manage(env, *args):
    """Run a manage.py command; return its stdout."""
    return subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], env=env, check=True,
                          capture_output=True, text=True).stdout


def prepare_database(env):
    """Migrate, create a superuser and one product; return the product's pk."""
    manage(env, "migrate", "--noinput", "-v", "0")
    code = ("from django.contrib.auth.models import User; from mediadmin.models import Product;"
            f"User.objects.create_superuser('bench', 'b@example.com', '{PASSWORD}');"
            "print(Product.objects.create(name='Bench product', sku='BENCH-1').pk)")
    return int(manage(env, "shell", "--no-imports", "-c", code).strip())


class Server:
    """gunicorn on 127.0.0.1 with the given number of sync workers."""

    def __init__(self, env, workers):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "mediadmin.wsgi", "-b", f"{HOST}:{self.port}",
             "-w", str(workers), "--timeout", "600", "--log-level", "warning"],
            cwd=ROOT, env=env)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection((HOST, self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def workers(self):
        """Pids of the worker processes."""
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def peak_rss_mb(self):
        """Largest peak resident set size (VmHWM) among the master and its workers, in MB."""
        peaks = []
        for pid in [self.proc.pid, *self.workers()]:
            status = Path(f"/proc/{pid}/status").read_text()
            peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)
        return max(peaks)

    def stop(self):
        """Stop gunicorn (SIGTERM to the master we started) and wait for it."""
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Session:
    """A logged-in admin session on one keep-alive connection."""

    def __init__(self, port):
        self.conn = http.client.HTTPConnection(HOST, port, timeout=600)
        self.cookies = {}
        self.request("GET", "/admin/login/")
        body = urlencode({"username": "bench", "password": PASSWORD, "next": "/admin/",
                          "csrfmiddlewaretoken": self.cookies["csrftoken"]})
        status, _ = self.request("POST", "/admin/login/", body.encode(),
                                 {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError("login failed")

    def request(self, method, url, body=None, headers=None):
        """Send a request with the session cookies; return (status, body bytes)."""
        headers = dict(headers or {})
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.setdefault("Referer", f"http://{HOST}/admin/")
        self.conn.request(method, url, body=body, headers=headers)
        response = self.conn.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return response.status, response.read()

    def upload(self, url, path):
        """Stream one file as multipart/form-data (field "file"); return (status, json)."""
        boundary = uuid.uuid4().hex
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"{path.name}\"\r\nContent-Type: application/pdf\r\n\r\n").encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        length = len(head) + path.stat().st_size + len(tail)

        def body():
            yield head
            with path.open("rb") as f:
                yield from iter(lambda: f.read(CHUNK), b"")
            yield tail
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}",
                   "Content-Length": str(length), "X-CSRFToken": self.cookies["csrftoken"]}
        status, data = self.request("POST", url, body(), headers)
        return status, json.loads(data or b"{}")


def make_documents(folder, count, size):
    """count distinct PDF-headed files of size bytes; return their paths and sha256s."""
    folder.mkdir(parents=True)
    files = {}
    for i in range(count):
        path = folder / f"BENCH-1_doc-{i:04d}.pdf"
        data = b"%PDF-1.4\n" + os.urandom(size - 9)
        path.write_bytes(data)
        files[path] = hashlib.sha256(data).hexdigest()
    return files


def make_big_document(path, size):
    """A sparse file with a PDF header (reads as zeros; nothing held in memory)."""
    with path.open("wb") as f:
        f.write(b"%PDF-1.4\n")
        f.truncate(size)


def stored_documents(env):
    """sha256 of every stored document row, and whether its file exists with that content."""
    code = ("import hashlib, json; from mediadmin.models import ProductDocument as D;"
            "rows=[(d.sha256, d.file.storage.exists(d.file.name)) for d in D.objects.all()];"
            "print(json.dumps(rows))")
    return json.loads(manage(env, "shell", "--no-imports", "-c", code))


def run_cp(files, dest):
    """Seconds taken by `cp` of the same files into a fresh folder."""
    dest.mkdir()
    start = time.perf_counter()
    subprocess.run(["cp", *map(str, files), str(dest)], check=True)
    subprocess.run(["sync", "-f", str(dest)], check=False)
    return time.perf_counter() - start


def bench_many(work, args):
    """Part 1: many documents through the endpoint, compared with cp."""
    env = make_env(work)
    pk = prepare_database(env)
    files = make_documents(work / "src", args.files, int(args.size_mb * MB))
    cp_seconds = run_cp(list(files), work / "cp-dest")
    server = Server(env, workers=args.workers)
    try:
        sessions = [Session(server.port) for _ in range(args.clients)]
        url = f"/admin/mediadmin/product/{pk}/upload/documents/"
        paths = list(files)
        start = time.perf_counter()
        slices = [paths[i::args.clients] for i in range(args.clients)]
        with ThreadPoolExecutor(args.clients) as pool:
            # One session (connection) per client thread, each sending its share in turn.
            done = pool.map(lambda i: [sessions[i].upload(url, p) for p in slices[i]], range(args.clients))
            results = [result for part in done for result in part]
        seconds = time.perf_counter() - start
        peak = server.peak_rss_mb()
    finally:
        server.stop()
    rows = stored_documents(env)
    ok = sum(status == 201 for status, _ in results)
    stored = {sha for sha, exists in rows if exists}
    lost = sum(sha not in stored for sha in files.values())
    total_mb = sum(p.stat().st_size for p in paths) / MB
    return {"files": len(paths), "size_mb": args.size_mb, "seconds": seconds, "cp_seconds": cp_seconds,
            "files_per_s": len(paths) / seconds, "mb_per_s": total_mb / seconds,
            "cp_files_per_s": len(paths) / cp_seconds, "cp_mb_per_s": total_mb / cp_seconds,
            "answered_201": ok, "rows": len(rows), "lost": lost, "peak_rss_mb": peak,
            "workers": args.workers, "clients": args.clients}


def bench_big(work, args):
    """Part 2: one large document; peak RSS of the worker that took it."""
    size = int(args.big_mb * MB)
    env = make_env(work, max_document_bytes=size + MB)
    pk = prepare_database(env)
    path = work / "big.pdf"
    make_big_document(path, size)
    server = Server(env, workers=1)
    try:
        session = Session(server.port)
        start = time.perf_counter()
        status, data = session.upload(f"/admin/mediadmin/product/{pk}/upload/documents/", path)
        seconds = time.perf_counter() - start
        peak = server.peak_rss_mb()
    finally:
        server.stop()
    rows = stored_documents(env)
    return {"size_mb": args.big_mb, "status": status, "seconds": seconds, "mb_per_s": args.big_mb / seconds,
            "peak_rss_mb": peak, "stored": len(rows) == 1 and rows[0][1], "message": data.get("message", "")}


def main():
    """Run both parts and print the figures (and JSON with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--size-mb", type=float, default=1)
    parser.add_argument("--big-mb", type=float, default=1024)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mediadmin-bench-") as tmp:
        work_many, work_big = Path(tmp) / "many", Path(tmp) / "big"
        for work in (work_many, work_big):
            (work / "media").mkdir(parents=True)
            (work / "tmp").mkdir()
        many = bench_many(work_many, args)
        shutil.rmtree(work_many)
        big = bench_big(work_big, args) if args.big_mb else None
    report(many, big)
    if args.json:
        print(json.dumps({"many": many, "big": big}, indent=2))
    failed = many["lost"] or many["answered_201"] != many["files"] or (
        big and (big["status"] != 201 or big["peak_rss_mb"] >= 150))
    sys.exit(1 if failed else 0)


def report(many, big):
    """Print the figures side by side with cp."""
    print(f"{many['files']} × {many['size_mb']:g} MB documents, {many['clients']} clients, "
          f"gunicorn {many['workers']} sync workers on {HOST}")
    print(f"  endpoint: {many['seconds']:.2f} s  {many['files_per_s']:.1f} files/s  "
          f"{many['mb_per_s']:.1f} MB/s")
    print(f"  cp:       {many['cp_seconds']:.2f} s  {many['cp_files_per_s']:.1f} files/s  "
          f"{many['cp_mb_per_s']:.1f} MB/s")
    print(f"  ratio endpoint/cp: {many['files_per_s'] / many['cp_files_per_s']:.3f} (files/s and MB/s)")
    print(f"  answered 201: {many['answered_201']}/{many['files']}  rows: {many['rows']}  "
          f"files lost: {many['lost']}  server peak RSS: {many['peak_rss_mb']:.1f} MB")
    if big:
        print(f"1 × {big['size_mb']:g} MB document: status {big['status']}, {big['seconds']:.1f} s, "
              f"{big['mb_per_s']:.0f} MB/s, stored: {big['stored']}, "
              f"worker peak RSS {big['peak_rss_mb']:.1f} MB (limit 150 MB) {big['message']}")


if __name__ == "__main__":
    main()
