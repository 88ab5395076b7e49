"""Bounded load test against gunicorn on loopback: staff upload and browse for N seconds.

    python bench/load_test.py                      # SQLite + local disk, one gunicorn
    python bench/load_test.py --shared             # two gunicorns sharing PostgreSQL, Redis and moto's S3

Every client logs in, then loops: upload a product (image + PDF) through the staff form, open the
admin changelist, open a product page. At the end it checks that every uploaded file is present
exactly once and every row's file exists, and prints p50/p95 latencies per kind of request.
Only 127.0.0.1 is contacted; the run stops by itself after --duration seconds.
"""
import argparse
import io
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = sys.executable


def free_port():
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def jpeg(seed):
    """A small JPEG that differs per upload."""
    buf = io.BytesIO()
    Image.new("RGB", (800, 600), (seed * 37 % 256, seed * 91 % 256, 120)).save(buf, "JPEG", quality=85)
    return buf.getvalue()


def pdf(seed):
    """A small real PDF that differs per upload."""
    from mediadmin.demo import simple_pdf

    return simple_pdf(f"Load test {seed}", [f"upload #{seed}"])


def manage(env, *args):
    """Run manage.py with the given environment."""
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def start_gunicorn(env, port, workers, log):
    """Start gunicorn on 127.0.0.1:port and wait until it answers."""
    proc = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), "mediadmin.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", "2", "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True, stdin=subprocess.DEVNULL,
        stdout=log, stderr=subprocess.STDOUT)
    for _ in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/admin/login/", timeout=10)
            return proc
        except requests.RequestException:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


class Client(threading.Thread):
    """One staff member: log in, then upload and browse until the deadline."""

    def __init__(self, base_urls, number, deadline, password, results):
        super().__init__(daemon=True)
        self.base_urls, self.number, self.deadline = base_urls, number, deadline
        self.password, self.results = password, results
        self.session = requests.Session()

    def timed(self, kind, method, url, **kwargs):
        start = time.perf_counter()
        try:
            response = self.session.request(method, url, timeout=60, allow_redirects=False, **kwargs)
            ok = response.status_code < 400
        except requests.RequestException:
            response, ok = None, False
        self.results.append((kind, time.perf_counter() - start, ok))
        return response

    def base(self, i):
        return self.base_urls[i % len(self.base_urls)]

    def login(self):
        url = f"{self.base(0)}/admin/login/"
        self.session.get(url)
        self.session.post(url, data={"username": "loadadmin", "password": self.password,
                                     "csrfmiddlewaretoken": self.session.cookies["csrftoken"],
                                     "next": "/admin/"})

    def run(self):
        self.login()
        i = 0
        while time.monotonic() < self.deadline:
            seed = self.number * 100_000 + i
            base = self.base(i)
            self.session.get(f"{base}/products/new/")
            response = self.timed("upload", "POST", f"{base}/products/new/", data={
                "name": f"Load {seed}", "csrfmiddlewaretoken": self.session.cookies["csrftoken"]},
                files={"image": (f"photo-{seed}.jpg", jpeg(seed), "image/jpeg"),
                       "document": (f"sheet-{seed}.pdf", pdf(seed), "application/pdf")})
            if response is not None and response.status_code == 302:
                self.timed("product page", "GET", base + response.headers["Location"])
            self.timed("changelist", "GET", f"{base}/admin/mediadmin/product/")
            i += 1


def verify(env):
    """Check files against rows: each upload present exactly once, every row's file exists."""
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','mediadmin.settings'); "
        "django.setup(); from mediadmin.models import Product; "
        "rows=list(Product.objects.values_list('image','document')); "
        "names=[n for r in rows for n in r if n]; "
        "from django.core.files.storage import storages; from mediadmin.storages import private_storage; "
        "missing=[n for n in names if not (storages['default'] if n.startswith('product_images') "
        "else private_storage()).exists(n)]; "
        "d,f=storages['default'].listdir('product_images'); pd,pf=private_storage().listdir('product_docs'); "
        "print(len(rows), len(set(names)), len(names), len(missing), len(f)+len(pf))"
    )
    out = subprocess.run([PY, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    rows, unique, names, missing, stored = map(int, out.stdout.split())
    return {"products": rows, "file_refs": names, "unique_refs": unique, "missing": missing,
            "stored_files": stored}


def shared_environment(env):
    """PostgreSQL, Redis and moto's S3 server shared by the app servers."""
    sys.path.insert(0, str(ROOT / "tests"))
    from tests import s3

    server, endpoint = s3.start_server()
    bucket = s3.new_bucket(endpoint)
    dbname = f"mediadmin_load_{os.getpid()}"
    subprocess.run(["psql", "postgres://postgres@127.0.0.1:5432/postgres", "-qc",
                    f"CREATE DATABASE {dbname}"], check=True)
    env.update(DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{dbname}",
               REDIS_URL="redis://127.0.0.1:6379/14", MEDIADMIN_S3_BUCKET=bucket,
               MEDIADMIN_S3_ENDPOINT_URL=endpoint, MEDIADMIN_S3_REGION="us-east-1",
               **s3.CREDENTIALS)

    def cleanup():
        server.stop()
        subprocess.run(["psql", "postgres://postgres@127.0.0.1:5432/postgres", "-qc",
                        f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)"], check=False)
    return cleanup


def report(results, elapsed, check):
    """Print latencies and the file check."""
    print(f"\n{len(results)} requests in {elapsed:.0f} s, errors: {sum(1 for r in results if not r[2])}")
    print(f"{'request':<14}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}")
    for kind in ("upload", "product page", "changelist"):
        times = sorted(t for k, t, _ in results if k == kind)
        if times:
            p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
            print(f"{kind:<14}{len(times):>7}{statistics.median(times) * 1000:>9.0f}{p95 * 1000:>9.0f}")
    print("files:", check)
    lost = check["products"] * 2 - check["stored_files"]
    print(f"lost files: {max(lost, 0)}, rows whose file is missing: {check['missing']}")
    return sum(1 for r in results if not r[2]) == 0 and lost == 0 and check["missing"] == 0


def main():
    """Run the load test and return a process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--shared", action="store_true", help="two gunicorns on PostgreSQL/Redis/S3")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="mediadmin-load-"))
    env = {**os.environ, "DJANGO_SECRET_KEY": "load-test-" + "x" * 50, "DJANGO_DEBUG": "",
           "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}", "DJANGO_MEDIA_ROOT": str(tmp / "media"),
           "MEDIADMIN_PRIVATE_ROOT": str(tmp / "private"), "MEDIADMIN_SERVE_MEDIA": "1",
           "DJANGO_STATIC_ROOT": str(tmp / "static"), "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
    cleanup = shared_environment(env) if args.shared else (lambda: None)
    procs = []
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        password = "load-pass-123"
        subprocess.run([PY, "manage.py", "shell", "-v", "0", "-c",
                        "from django.contrib.auth.models import User; "
                        f"User.objects.create_superuser('loadadmin', 'l@example.com', '{password}')"],
                       cwd=ROOT, env=env, check=True)
        ports = [free_port() for _ in range(2 if args.shared else 1)]
        log = open(tmp / "gunicorn.log", "ab")
        procs = [start_gunicorn(env, port, args.workers, log) for port in ports]
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        print(f"{args.clients} clients for {args.duration} s against {', '.join(bases)}"
              f" ({'PostgreSQL + Redis + S3' if args.shared else 'SQLite + local disk'})")
        results, start = [], time.monotonic()
        clients = [Client(bases, n, start + args.duration, password, results) for n in range(args.clients)]
        [c.start() for c in clients]
        [c.join(args.duration + 120) for c in clients]
        elapsed = time.monotonic() - start
        ok = report(results, elapsed, verify(env))
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
