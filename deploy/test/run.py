"""`make deploy-test`: the real stack on loopback, built from the files in deploy/, smoke-tested.

Renders deploy/env.example, deploy/nginx/mediadmin-s3.conf and deploy/systemd/*.service into a
temporary folder (high ports, temporary paths; every substitution must find its text, so the files
stay the source), then starts: moto's S3 server with a bucket and deploy/s3/bucket-policy.json,
PostgreSQL database deploytest_<random> and its role (the runbook's SQL), Redis db 13, two gunicorn
instances with their own control sockets, the db_worker, and nginx with a self-signed certificate.
It checks `check --deploy --fail-level WARNING`, then drives the site over https through nginx.
Everything it started is stopped, and the database and role dropped, on exit (also on Ctrl-C).
"""
import atexit
import contextlib
import html.parser
import io
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from types import SimpleNamespace

import boto3
import psycopg
import redis
import requests
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
VENV = Path(sys.prefix)
NGINX = os.environ.get("MEDIADMIN_NGINX", "/usr/sbin/nginx")
PG_ADMIN_URL = os.environ.get("DEPLOYTEST_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_DB = int(os.environ.get("DEPLOYTEST_REDIS_DB", "13"))
HOST = "localhost"
ADMIN_USER, ADMIN_PASSWORD = "deploy-admin", secrets.token_urlsafe(16)
T0 = time.monotonic()


class Stack:
    """What was started, so that the exit handler can stop exactly that."""

    def __init__(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="mediadmin-deploytest-"))
        self.procs = []          # (label, Popen)
        self.databases = []      # names of the databases and their roles (same name)
        self.redis_used = False

    def stop(self):
        """Stop the processes (newest first), drop the database and role, empty the Redis db."""
        for label, proc in reversed(self.procs):
            if proc.poll() is None:
                # nginx: QUIT is its graceful stop; gunicorn: INT is its quick one (TERM waits for
                # keep-alive connections, seconds the test does not need to spend).
                proc.send_signal({"nginx": signal.SIGQUIT, "gunicorn": signal.SIGINT}.get(
                    label.split("-")[0], signal.SIGTERM))
        started = time.monotonic()
        for label, proc in reversed(self.procs):
            try:
                proc.wait(timeout=max(1, 20 - (time.monotonic() - started)))
            except subprocess.TimeoutExpired:
                print(f"           {label} did not stop within 20 s: killed", flush=True)
                proc.kill()
                proc.wait()
            if os.environ.get("DEPLOYTEST_VERBOSE"):
                print(f"           {label} stopped after {time.monotonic() - started:.1f}s", flush=True)
        self.procs.clear()
        if self.databases:
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                for name in self.databases:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                    conn.execute(f'DROP ROLE IF EXISTS "{name}"')
            self.databases.clear()
        if self.redis_used:
            redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB).flushdb()
            self.redis_used = False
        if os.environ.get("DEPLOYTEST_KEEP_TMP"):
            print(f"  (kept {self.tmp})")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


STACK = Stack()


def step(text):
    """Print a numbered step with the time since the start."""
    step.n = getattr(step, "n", 0) + 1
    print(f"[{time.monotonic() - T0:6.1f}s] {step.n:2}. {text}", flush=True)


def ok(text):
    """Print a passed check under the current step."""
    print(f"           ok  {text}", flush=True)


class Failure(Exception):
    """A smoke-test check that did not hold."""


FAILURES = []


@contextlib.contextmanager
def soft_step(text):
    """A step whose failure is reported and recorded; the later steps still run."""
    step(text)
    try:
        yield
    except Failure as failure:
        FAILURES.append(f"step {step.n} ({text}): {failure}")
        print(f"           FAIL {failure}", flush=True)


def expect(condition, message):
    """Raise Failure(message) unless condition holds."""
    if not condition:
        raise Failure(message)


def free_port():
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(what, probe, timeout=30, interval=0.2):
    """Call probe() until it returns a true value; Failure after timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = probe()
        except (OSError, requests.RequestException):
            value = None
        if value:
            return value
        for label, proc in STACK.procs:
            expect(proc.poll() is None, f"{label} exited with status {proc.returncode} while waiting for {what}; "
                                        f"its log: {STACK.tmp / 'logs' / (label + '.log')}")
        time.sleep(interval)
    raise Failure(f"timed out after {timeout}s waiting for {what}")


def port_open(port):
    """True when something accepts connections on 127.0.0.1:port."""
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def substitute(text, replacements, source):
    """Replace each key by its value; every key must occur, so a change in deploy/ is noticed."""
    for old, new in replacements.items():
        expect(old in text, f"{source}: expected to find {old!r} (the deployment test renders it)")
        text = text.replace(old, new)
    return text


def start(label, argv, env, cwd=ROOT):
    """Start a process with its output in logs/<label>.log; remember it for the exit handler."""
    log = open(STACK.tmp / "logs" / f"{label}.log", "wb")
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    STACK.procs.append((label, proc))
    return proc


# --- environment ------------------------------------------------------------------------------
def read_env_file(path):
    """KEY=value lines of an environment file, as systemd's EnvironmentFile= reads them."""
    env = {}
    for line in Path(path).read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip()
    return env


def clean_env(extra=None):
    """The caller's environment without any app setting, so only the env file configures the app."""
    prefixes = ("DJANGO_", "MEDIADMIN_", "AWS_", "DATABASE_", "REDIS_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env.update(extra or {})
    return env


def render_env(values):
    """deploy/env.example with the given KEY=value lines replaced (each must exist in the file)."""
    lines = (DEPLOY / "env.example").read_text().splitlines()
    seen = set()
    for i, line in enumerate(lines):
        key = line.partition("=")[0]
        if not line.startswith("#") and key in values:
            lines[i], _ = f"{key}={values[key]}", seen.add(key)
    missing = set(values) - seen
    expect(not missing, f"deploy/env.example has no line for {sorted(missing)}")
    return "\n".join(lines) + "\n"


def manage(env_file, *args, check=True, extra_env=None):
    """deploy/bin/mediadmin-manage with this env file, code and virtualenv; returns the result."""
    env = clean_env({"MEDIADMIN_ENV": str(env_file), "MEDIADMIN_APP": str(ROOT),
                     "MEDIADMIN_VENV": str(VENV), **(extra_env or {})})
    result = subprocess.run([str(DEPLOY / "bin" / "mediadmin-manage"), *args], env=env,
                            capture_output=True, text=True)
    if check:
        expect(result.returncode == 0, f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
                                       f"{result.stdout}{result.stderr}")
    return result


# --- systemd units ----------------------------------------------------------------------------
def unit_service(path, instance, paths):
    """(argv, working directory, env file, runtime directory) of a unit's [Service], rendered."""
    text = Path(path).read_text().replace("\\\n", " ").replace("%i", str(instance))
    for old, new in paths.items():
        text = text.replace(old, new)
    section, fields = None, {}
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
        elif section == "[Service]" and "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            fields[key] = value
    runtime = fields.get("RuntimeDirectory")
    return shlex.split(fields["ExecStart"]), fields["WorkingDirectory"], fields["EnvironmentFile"], runtime


def start_unit(label, unit, instance, paths):
    """Start what a systemd unit's ExecStart runs, with its working directory and EnvironmentFile."""
    argv, cwd, env_file, runtime = unit_service(DEPLOY / "systemd" / unit, instance, paths)
    if runtime:
        (STACK.tmp / "run" / runtime).mkdir(parents=True, exist_ok=True)
    env = clean_env(read_env_file(env_file))
    return start(label, argv, env, cwd=cwd)


# --- the stack --------------------------------------------------------------------------------
def make_certificate():
    """A self-signed certificate for localhost (and 127.0.0.1); returns (cert, key) paths."""
    cert, key = STACK.tmp / "tls" / "cert.pem", STACK.tmp / "tls" / "key.pem"
    cert.parent.mkdir()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST},IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def start_s3(port):
    """moto's S3 server on 127.0.0.1:port, a bucket with deploy/s3/bucket-policy.json; returns the bucket."""
    start("moto", [str(VENV / "bin" / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
          clean_env({"AWS_ACCESS_KEY_ID": "deploytest", "AWS_SECRET_ACCESS_KEY": "deploytest"}))
    wait_for("moto's S3 server", lambda: port_open(port))
    bucket = f"deploytest-{secrets.token_hex(4)}"
    s3 = s3_client(port)
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    policy = substitute((DEPLOY / "s3" / "bucket-policy.json").read_text(), {"shop-media": bucket},
                        "deploy/s3/bucket-policy.json")
    statements = json.loads(policy)["Statement"]
    expect(all(s["Effect"] == "Allow" for s in statements), "the bucket policy has a Deny statement")
    s3.put_bucket_policy(Bucket=bucket, Policy=policy)
    return bucket


def s3_client(port):
    """A boto3 client for the test S3 server, with the app's credentials."""
    return boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="eu-west-1",
                        aws_access_key_id="deploytest", aws_secret_access_key="deploytest")


def create_database():
    """The runbook's role and database, with a random name; returns its DATABASE_URL."""
    name = f"deploytest_{secrets.token_hex(4)}"
    password = secrets.token_hex(16)
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        STACK.databases.append(name)
        conn.execute(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'")
        conn.execute(f"CREATE DATABASE {name} OWNER {name} ENCODING 'UTF8' TEMPLATE template0")
    return f"postgres://{name}:{password}@127.0.0.1:5432/{name}"


def nginx_site(variant, ports, cert, key):
    """deploy/nginx/mediadmin-<variant>.conf for loopback and the temporary folder."""
    tmp = STACK.tmp
    source = f"deploy/nginx/mediadmin-{variant}.conf"
    replacements = {
        "    listen [::]:80;\n": "", "    listen [::]:443 ssl http2;\n": "",
        "listen 80;": f"listen 127.0.0.1:{ports['http']};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{ports['https']} ssl http2;",
        "server_name shop.example.com;": f"server_name {HOST};",
        "return 301 https://$host$request_uri;": f"return 301 https://$host:{ports['https']}$request_uri;",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{ports['web1']};",
        "server 127.0.0.1:8001;": f"server 127.0.0.1:{ports['web2']};",
        "/etc/letsencrypt/live/shop.example.com/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/shop.example.com/privkey.pem": str(key),
        "/var/lib/nginx/body": str(tmp / f"nginx-{variant}" / "body"),
        "/var/www/html": str(tmp / "www"),
    }
    if variant == "local":
        replacements["/srv/mediadmin/"] = str(tmp / "srv") + "/"
    return substitute((ROOT / source).read_text(), replacements, source)


def nginx_conf(site, prefix):
    """A whole nginx.conf around a site file: temporary paths only, logs in the prefix folder."""
    user = "user root root;\n" if os.geteuid() == 0 else ""
    temp = "".join(f"    {kind}_temp_path {prefix / kind};\n" for kind in ("proxy", "fastcgi", "uwsgi", "scgi"))
    return (f"{user}worker_processes 1;\npid {prefix / 'nginx.pid'};\nerror_log {prefix / 'error.log'} warn;\n"
            f"events {{ worker_connections 256; }}\nhttp {{\n    include /etc/nginx/mime.types;\n"
            f"    access_log {prefix / 'access.log'};\n{temp}    include {site};\n}}\n")


def start_nginx(variant, ports, cert, key):
    """`nginx -t`, then nginx in the foreground, with deploy/nginx/mediadmin-<variant>.conf."""
    prefix = STACK.tmp / f"nginx-{variant}"
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    (STACK.tmp / "www").mkdir(exist_ok=True)
    (prefix / "site.conf").write_text(nginx_site(variant, ports, cert, key))
    (prefix / "nginx.conf").write_text(nginx_conf(prefix / "site.conf", prefix))
    base = [NGINX, "-e", str(prefix / "error.log"), "-p", str(prefix), "-c", str(prefix / "nginx.conf")]
    result = subprocess.run([*base, "-t", "-q"], capture_output=True, text=True)
    expect(result.returncode == 0, f"nginx -t refuses mediadmin-{variant}.conf:\n{result.stderr}")
    ok(f"nginx -t accepts deploy/nginx/mediadmin-{variant}.conf")
    start(f"nginx-{variant}", [*base, "-g", "daemon off;"], clean_env())
    wait_for(f"nginx ({variant})", lambda: port_open(ports["https"]))


# --- the browser's side -----------------------------------------------------------------------
class FormParser(html.parser.HTMLParser):
    """The fields of one <form id=...> as a browser would submit them (files excepted)."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or not a.get("name") and tag != "option":
            return
        if tag == "input" and a.get("type") not in ("file", "submit", "button", "image", "reset"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.fields.append((a["name"], a.get("value", "on" if a.get("type") == "checkbox" else "")))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields.append((a["name"], ""))

    def handle_data(self, data):
        if self._textarea:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_fields(page, form_id):
    """The submitted fields of a form on a page, as a dict (last value wins)."""
    parser = FormParser(form_id)
    parser.feed(page)
    expect(parser.fields, f"no form #{form_id} on the page")
    return dict(parser.fields)


class Browser:
    """A requests session speaking to the site through nginx, or straight to one gunicorn."""

    def __init__(self, origin, cert):
        self.origin, self.http, self.cert = origin, requests.Session(), str(cert)

    def get(self, path, via=None, **kwargs):
        """GET a path through nginx, or via a gunicorn port."""
        return self._send("GET", path, via, **kwargs)

    def post(self, path, via=None, **kwargs):
        """POST with the headers a browser sends (Origin, Referer), through nginx or a gunicorn."""
        headers = {"Origin": self.origin, "Referer": self.origin + path, **kwargs.pop("headers", {})}
        return self._send("POST", path, via, headers=headers, **kwargs)

    def _send(self, method, path, via, headers=None, **kwargs):
        kwargs.setdefault("allow_redirects", False)
        if via is None:
            # verify per request: a session's verify loses to REQUESTS_CA_BUNDLE in the environment.
            return self.http.request(method, self.origin + path, headers=headers, verify=self.cert, **kwargs)
        # Straight to gunicorn, as nginx would forward it: its Host, https, and the session's
        # cookies (requests keeps Secure cookies off plain http, so they go in by hand).
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        direct = {"Host": self.origin.split("//")[1], "X-Forwarded-Proto": "https", "Cookie": cookies,
                  **(headers or {})}
        return requests.request(method, f"http://127.0.0.1:{via}{path}", headers=direct, **kwargs)

    def login(self):
        """Log in to /admin/ with the superuser."""
        page = self.get("/admin/login/")
        expect(page.status_code == 200, f"/admin/login/ answered {page.status_code}")
        data = form_fields(page.text, "login-form")
        data.update(username=ADMIN_USER, password=ADMIN_PASSWORD, next="/admin/")
        answer = self.post("/admin/login/", data=data)
        expect(answer.status_code == 302 and answer.headers["Location"] == "/admin/",
               f"login answered {answer.status_code} {answer.headers.get('Location')}")

    def add(self, model, form_id, values, files, via=None):
        """Submit an admin add form with its CSRF token; returns the redirect's Location."""
        path = f"/admin/mediadmin/{model}/add/"
        page = self.get(path, via=via)
        expect(page.status_code == 200, f"{path} answered {page.status_code}")
        data = {**form_fields(page.text, form_id), **values, "_save": "Save"}
        answer = self.post(path, via=via, data=data, files=files)
        errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', answer.text, re.S)
        expect(answer.status_code == 302, f"{path} via {via or 'nginx'} answered {answer.status_code}: {errors}")
        return answer.headers["Location"]


def jpeg(color, size=(900, 600)):
    """A JPEG made in memory, different for each colour (duplicates would be refused)."""
    img = Image.new("RGB", size, color)
    img.paste(Image.linear_gradient("L").resize((size[0], size[1] // 3)).convert("RGB"), (0, 0))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    return buf.getvalue()


# --- the smoke test ---------------------------------------------------------------------------
def run():
    """Bring the S3 stack up and smoke-test it, then the local-disk variant."""
    (STACK.tmp / "logs").mkdir()
    site = SimpleNamespace(tmp=STACK.tmp, ports={n: free_port() for n in ("http", "https", "web1", "web2", "s3")})
    print(f"mediadmin deployment test in {site.tmp} (logs in {site.tmp / 'logs'})")
    check_example()
    prepare(site)
    start_app(site)
    start_front(site)
    smoke_uploads(site)
    smoke_worker_and_page(site)
    smoke_private_document(site)
    smoke_trash_and_audit(site)
    local = local_stack(site)
    local_media(local)
    local_private_document(local)
    local_trash_and_versions(local)
    expect(not FAILURES, f"{len(FAILURES)} step(s) failed:\n  " + "\n  ".join(FAILURES))


def check_example():
    """check --deploy with deploy/env.example as the runbook installs it."""
    step("check --deploy --fail-level WARNING with deploy/env.example as written (secret key filled in)")
    example = STACK.tmp / "env.example"
    example.write_text(render_env({"DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}))
    manage(example, "check", "--deploy", "--fail-level", "WARNING")
    ok("no warning")


def prepare(site):
    """S3 bucket, database, Redis, env file, migrate, collectstatic, superuser."""
    step("S3: moto's server, a bucket, deploy/s3/bucket-policy.json")
    site.bucket = start_s3(site.ports["s3"])
    site.s3 = s3_client(site.ports["s3"])
    ok(f"bucket {site.bucket} on 127.0.0.1:{site.ports['s3']}, public read on media/* only")

    step(f"PostgreSQL: role and database (the runbook's SQL); Redis db {REDIS_DB}")
    site.database_url = create_database()
    redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB).flushdb()
    STACK.redis_used = True
    ok(f"database {STACK.databases[-1]}")

    step("env file rendered from deploy/env.example; check --deploy again")
    site.env_file = site.tmp / "env"
    site.env_file.write_text(render_env({
        **loopback_values(site.database_url), "MEDIADMIN_S3_BUCKET": site.bucket,
        "MEDIADMIN_S3_ENDPOINT_URL": f"http://127.0.0.1:{site.ports['s3']}",
        "AWS_ACCESS_KEY_ID": "deploytest", "AWS_SECRET_ACCESS_KEY": "deploytest"}))
    site.env_file.chmod(0o640)
    manage(site.env_file, "check", "--deploy", "--fail-level", "WARNING")
    ok("no warning")

    step("migrate, collectstatic, first superuser")
    migrate_and_superuser(site.env_file)
    manage(site.env_file, "collectstatic", "--noinput", "-v0")
    ok("migrated, static files collected, superuser made")


def loopback_values(database_url):
    """The env file lines every loopback stack changes: secret, host, database, Redis, static root."""
    return {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://{HOST}", "DATABASE_URL": database_url,
            "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}", "DJANGO_STATIC_ROOT": str(STACK.tmp / "static")}


def migrate_and_superuser(env_file):
    """The runbook's migrate and first superuser (non-interactive here)."""
    manage(env_file, "migrate", "--noinput")
    manage(env_file, "createsuperuser", "--noinput", "--username", ADMIN_USER, "--email", "ops@example.com",
           extra_env={"DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD})


def start_app(site):
    """gunicorn x2 and the worker from their units; each control socket must answer."""
    step("gunicorn x2 and the db worker, from deploy/systemd/*.service")
    site.paths = {"/srv/mediadmin/venv": str(VENV), "/srv/mediadmin/app": str(ROOT),
                  "/etc/mediadmin/env": str(site.env_file), "/run/": str(site.tmp / "run") + "/"}
    for name in ("web1", "web2"):
        start_unit(f"gunicorn-{name}", "mediadmin-web@.service", site.ports[name], site.paths)
    start_unit("worker", "mediadmin-worker@.service", 1, site.paths)
    for name in ("web1", "web2"):
        sock = site.tmp / "run" / f"mediadmin-web-{site.ports[name]}" / "gunicorn.ctl"
        wait_for(f"gunicorn {name}", lambda n=name: port_open(site.ports[n]))
        wait_for(f"control socket {sock}", sock.exists)
        shown = subprocess.run([str(VENV / "bin" / "gunicornc"), "-s", str(sock), "-c", "show workers", "-j"],
                               capture_output=True, text=True, timeout=10)
        expect(shown.returncode == 0, f"gunicornc on {sock} failed: {shown.stdout}{shown.stderr}")
        ok(f"gunicorn on 127.0.0.1:{site.ports[name]}, control socket {sock.relative_to(site.tmp)} answers")


def start_front(site):
    """nginx with the S3 site and a self-signed certificate; port 80 must redirect."""
    step("nginx with a self-signed certificate, from deploy/nginx/mediadmin-s3.conf")
    site.cert, site.key = make_certificate()
    start_nginx("s3", site.ports, site.cert, site.key)
    site.browser = Browser(f"https://{HOST}:{site.ports['https']}", site.cert)
    site.anonymous = Browser(site.browser.origin, site.cert)
    redirect = requests.get(f"http://127.0.0.1:{site.ports['http']}/admin/", headers={"Host": HOST},
                            allow_redirects=False)
    expect(redirect.status_code == 301 and redirect.headers["Location"].startswith(f"https://{HOST}:"),
           f"port 80 answered {redirect.status_code} {redirect.headers.get('Location')}")
    ok(f"{site.browser.origin} up; plain http redirects to https")


def smoke_uploads(site):
    """Log in; an image and two documents through nginx; a gallery image through each gunicorn."""
    browser = site.browser
    step("log in to /admin/ through nginx")
    browser.login()
    ok("logged in (CSRF origin matched thanks to Host $http_host)")

    step("upload an image (product add form) and documents (document add form) through nginx")
    browser.add("product", "product_form", {"name": "Deploy walker", "slug": "deploy-walker"},
                {"image": ("walker.jpg", jpeg((30, 90, 160)), "image/jpeg")})
    site.product_id = product_id(site.database_url, "deploy-walker")
    for title, visibility in (("Public manual", "public"), ("Staff price list", "staff")):
        browser.add("productdocument", "productdocument_form",
                    {"product": site.product_id, "title": title, "visibility": visibility},
                    {"file": (f"{visibility}.pdf", simple_pdf_bytes(title), "application/pdf")})
    keys = s3_keys(site.s3, site.bucket)
    expect(any(k.startswith("media/product_images/") for k in keys), f"no image under media/: {keys}")
    expect(sum(k.startswith("private/documents/") for k in keys) == 2, f"documents not under private/: {keys}")
    ok("image in media/product_images/, both documents in private/documents/")

    step("uploads straight to each gunicorn, into the same library")
    for n, name in enumerate(("web1", "web2")):
        browser.add("productimage", "productimage_form",
                    {"product": site.product_id, "alt_text": f"via {name}", "position": str(n)},
                    {"image": (f"gallery-{name}.jpg", jpeg((150, 40 + 80 * n, 60)), "image/jpeg")},
                    via=site.ports[name])
    for name in ("web1", "web2"):
        listing = browser.get(f"/admin/mediadmin/productimage/?product__id__exact={site.product_id}",
                              via=site.ports[name])
        expect(listing.status_code == 200 and "via web1" in listing.text and "via web2" in listing.text,
               f"gunicorn {name} does not list both gallery images ({listing.status_code})")
    ok("an image through each app server; each lists both")


def smoke_worker_and_page(site):
    """The worker's thumbnails, then the public product page read anonymously."""
    with soft_step("thumbnails made by the db worker (polling its task table)"):
        rows = wait_for("the worker's thumbnails", lambda: tasks_done(site.database_url), timeout=60, interval=0.5)
        thumbs = [k for k in s3_keys(site.s3, site.bucket) if k.startswith("media/cache/")]
        expect(thumbs, "no thumbnail under media/cache/")
        ok(f"{rows['SUCCESSFUL']} tasks ran for 3 images; {len(thumbs)} thumbnails in the bucket")

    with soft_step("the public product page, anonymously"):
        page = site.anonymous.get("/products/deploy-walker/")
        expect(page.status_code == 200 and "Deploy walker" in page.text, f"product page answered {page.status_code}")
        expect("placeholder.svg" not in page.text, "the product page still shows placeholders")
        images = re.findall(r'<img[^>]+src="([^"]+)"', page.text)
        thumb_urls = [u for u in images if "/cache/" in u]
        expect(thumb_urls, f"no thumbnail URL on the page: {images}")
        image = requests.get(thumb_urls[0])
        expect(image.status_code == 200 and image.headers["Content-Type"].startswith("image/"),
               f"thumbnail {thumb_urls[0]} answered {image.status_code} anonymously")
        expect("Staff price list" not in page.text, "the staff-only document is listed on the public page")
        ok(f"200, {len(thumb_urls)} thumbnails shown and publicly readable from the bucket")


def tasks_done(database_url):
    """The task table's counts by status once every task succeeded (at least one per image), else None."""
    with psycopg.connect(database_url) as conn:
        rows = dict(conn.execute("select status, count(*) from django_tasks_database_dbtaskresult "
                                 "group by status").fetchall())
    expect(not rows.get("FAILED"), f"a thumbnail task failed: {rows}")
    return rows if rows.get("SUCCESSFUL", 0) >= 3 and set(rows) == {"SUCCESSFUL"} else None


def smoke_private_document(site):
    """A staff-only document: refused anonymously (site and bucket), sent to staff pre-signed."""
    with soft_step("a staff-only document refused to an anonymous visitor, sent to staff"):
        with psycopg.connect(site.database_url) as conn:
            stored = conn.execute("select file from mediadmin_productdocument where visibility = 'staff'").fetchone()[0]
        refused = site.anonymous.get(f"/documents/{stored}")
        to_login = refused.status_code == 302 and refused.headers["Location"].startswith("/admin/login/")
        expect(to_login or refused.status_code in (403, 404),
               f"anonymous download answered {refused.status_code} {refused.headers.get('Location')}")
        direct = requests.get(f"http://127.0.0.1:{site.ports['s3']}/{site.bucket}/private/{stored}")
        expect(direct.status_code == 403, f"private/{stored} answered {direct.status_code} anonymously on S3")
        sent = site.browser.get(f"/documents/{stored}")
        expect(sent.status_code == 302, f"staff download answered {sent.status_code}")
        document = requests.get(sent.headers["Location"])
        expect(document.status_code == 200 and document.content.startswith(b"%PDF"),
               f"the pre-signed URL answered {document.status_code}")
        ok("anonymous: sent to the login page, and 403 from the bucket; staff: pre-signed URL, the PDF")


def smoke_trash_and_audit(site):
    """An orphan moved to the trash is private; --list-trash shows it; the audit page answers."""
    trashed = []
    with soft_step("trash: an orphan moved by cleanup_orphans --delete is not readable anonymously"):
        trashed = move_orphan_to_trash(site)
        for key in trashed:
            answer = requests.get(f"http://127.0.0.1:{site.ports['s3']}/{site.bucket}/{key}")
            expect(answer.status_code == 403, f"trash object {key} answered {answer.status_code} anonymously "
                                              "(contract 1: the trash lives under trash/, outside media/)")
        ok(f"moved to {trashed}; anonymous GET 403 for each")

    with soft_step("cleanup_orphans --list-trash on S3"):
        listed = manage(site.env_file, "cleanup_orphans", "--list-trash", "--no-progress")
        expect(listed.stdout.strip(), "cleanup_orphans --list-trash printed nothing")
        batches = set(re.findall(r"\d{8}T\d{6}Z-[0-9a-f]+", " ".join(trashed)))
        expect(all(b in listed.stdout for b in batches), f"--list-trash does not show {batches}:\n{listed.stdout}")
        ok("exit 0: " + listed.stdout.strip().splitlines()[-1])

    with soft_step("the storage audit page on S3"):
        audit = site.browser.get("/admin/mediadmin/product/audit/")
        expect(audit.status_code == 200, f"the storage audit page answered {audit.status_code}")
        ok("/admin/mediadmin/product/audit/ 200")


def move_orphan_to_trash(site):
    """Put an orphan in media/, run cleanup_orphans --delete; return the keys the batch added."""
    orphan = "media/product_gallery/deploytest-orphan.jpg"
    site.s3.put_object(Bucket=site.bucket, Key=orphan, Body=jpeg((10, 10, 10), (64, 64)),
                       ContentType="image/jpeg")
    before = set(s3_keys(site.s3, site.bucket))
    moved = manage(site.env_file, "cleanup_orphans", "--delete", "--older-than", "0s", "--no-progress")
    after = set(s3_keys(site.s3, site.bucket))
    expect(orphan not in after, f"the orphan is still in place:\n{moved.stdout}")
    trashed = sorted(after - before)   # the moved orphan and the batch's manifest
    expect(any("deploytest-orphan" in k for k in trashed), f"the orphan is gone, not in a trash batch:\n"
                                                           f"{moved.stdout}")
    return trashed


# --- the local-disk variant -------------------------------------------------------------------
def render_local_env(values, media, private):
    """deploy/env.example switched to the local disk as its comments say: S3 block out, local block in."""
    text = render_env(values)
    for key in ("MEDIADMIN_S3_BUCKET", "MEDIADMIN_S3_REGION", "MEDIADMIN_S3_ENDPOINT_URL",
                "MEDIADMIN_S3_CUSTOM_DOMAIN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        text = re.sub(rf"^{key}=", f"# {key}=", text, count=1, flags=re.M)
    return substitute(text, {
        "# DJANGO_MEDIA_ROOT=/srv/mediadmin/media": f"DJANGO_MEDIA_ROOT={media}",
        "# MEDIADMIN_PRIVATE_ROOT=/srv/mediadmin/private": f"MEDIADMIN_PRIVATE_ROOT={private}",
        "# MEDIADMIN_X_ACCEL_REDIRECT_PREFIX=/_protected/": "MEDIADMIN_X_ACCEL_REDIRECT_PREFIX=/_protected/",
    }, "deploy/env.example (local-disk block)")


def local_stack(s3_site):
    """The env's local-disk block, a fresh database, a gunicorn from the unit, nginx with mediadmin-local.conf."""
    tmp = STACK.tmp
    local = SimpleNamespace(media=tmp / "srv" / "media", private=tmp / "srv" / "private",
                            ports={n: free_port() for n in ("http", "https", "web1")})
    local.media.mkdir(parents=True)
    local.private.mkdir()
    local.ports["web2"] = local.ports["web1"]    # one app server is enough here: the upstream names it twice

    step("local disk: env file with the local-disk block, a fresh database, gunicorn, mediadmin-local.conf")
    local.env_file, local.database_url = tmp / "env-local", create_database()
    local.env_file.write_text(render_local_env(loopback_values(local.database_url), local.media, local.private))
    manage(local.env_file, "check", "--deploy", "--fail-level", "WARNING")
    ok("check --deploy: no warning")
    migrate_and_superuser(local.env_file)
    start_unit("gunicorn-local", "mediadmin-web@.service", local.ports["web1"],
               {**s3_site.paths, "/etc/mediadmin/env": str(local.env_file)})
    wait_for("gunicorn (local disk)", lambda: port_open(local.ports["web1"]))
    start_nginx("local", local.ports, s3_site.cert, s3_site.key)
    local.browser = Browser(f"https://{HOST}:{local.ports['https']}", s3_site.cert)
    local.anonymous = Browser(local.browser.origin, s3_site.cert)
    local.browser.login()
    ok(f"{local.browser.origin} up, logged in")
    return local


def local_media(local):
    """An image uploaded through the admin is served by nginx from /media/."""
    with soft_step("local disk: an uploaded image served by nginx from /media/"):
        local.browser.add("product", "product_form", {"name": "Local walker", "slug": "local-walker"},
                          {"image": ("walker.jpg", jpeg((90, 30, 160)), "image/jpeg")})
        image = next((local.media / "product_images").iterdir()).relative_to(local.media)
        served = local.anonymous.get(f"/media/{image}")
        expect(served.status_code == 200 and served.headers["Content-Type"] == "image/jpeg"
               and served.headers.get("X-Content-Type-Options") == "nosniff",
               f"/media/{image} answered {served.status_code} {dict(served.headers)}")
        ok(f"/media/{image}: 200 image/jpeg, nosniff")


def local_private_document(local):
    """A staff-only document: refused anonymously, X-Accel-Redirect from gunicorn, sent by nginx."""
    with soft_step("local disk: a staff-only document through X-Accel-Redirect, /_protected/ internal"):
        local.browser.add("productdocument", "productdocument_form",
                          {"product": product_id(local.database_url, "local-walker"), "title": "Staff sheet",
                           "visibility": "staff"},
                          {"file": ("staff.pdf", simple_pdf_bytes("Staff sheet"), "application/pdf")})
        stored = next((local.private / "documents").iterdir()).relative_to(local.private)
        refused = local.anonymous.get(f"/documents/{stored}")
        expect(refused.status_code == 302 and refused.headers["Location"].startswith("/admin/login/"),
               f"anonymous download answered {refused.status_code}")
        sent = local.browser.get(f"/documents/{stored}")
        expect(sent.status_code == 200 and sent.content.startswith(b"%PDF")
               and sent.headers.get("Content-Disposition", "").startswith("attachment"),
               f"staff download answered {sent.status_code} {dict(sent.headers)}")
        accel = local.browser.get(f"/documents/{stored}", via=local.ports["web1"])
        expect(accel.headers.get("X-Accel-Redirect") == f"/_protected/{stored}",
               f"gunicorn answered without X-Accel-Redirect: {dict(accel.headers)}")
        internal = local.anonymous.get(f"/_protected/{stored}")
        expect(internal.status_code == 404, f"/_protected/{stored} answered {internal.status_code}")
        ok("anonymous: login redirect; staff: the PDF as an attachment (sent by nginx); /_protected/ 404")


def local_trash_and_versions(local):
    """Files in MEDIA_ROOT/.trash/ (moved by cleanup_orphans) and .versions/ exist but nginx refuses them."""
    with soft_step("local disk: the trash (after cleanup_orphans --delete) and .versions/ not served"):
        orphan = local.media / "product_gallery" / "deploytest-orphan.jpg"
        orphan.parent.mkdir(exist_ok=True)
        orphan.write_bytes(jpeg((10, 10, 10), (64, 64)))
        manage(local.env_file, "cleanup_orphans", "--delete", "--older-than", "0s", "--no-progress")
        trashed = [p for p in (local.media / ".trash").rglob("*") if p.is_file()]
        expect(not orphan.exists() and trashed, "cleanup_orphans --delete did not move the orphan to .trash/")
        version = local.media / ".versions" / "product_images" / "deploytest-old.jpg"
        version.parent.mkdir(parents=True)
        version.write_bytes(jpeg((20, 20, 20), (64, 64)))
        for path in [*trashed, version]:
            name = path.relative_to(local.media)
            answer = local.anonymous.get(f"/media/{name}")
            expect(answer.status_code == 404, f"/media/{name} answered {answer.status_code}")
        ok(f"{len(trashed)} trash file(s) and a .versions/ file on disk, each 404 through nginx")


def product_id(database_url, slug):
    """The id of a product, as the admin's product field submits it."""
    with psycopg.connect(database_url) as conn:
        row = conn.execute("select id from mediadmin_product where slug = %s", [slug]).fetchone()
    expect(row, f"no product {slug}")
    return str(row[0])


def simple_pdf_bytes(title):
    """A small valid PDF (mediadmin's own demo generator)."""
    from mediadmin.demo import simple_pdf
    return simple_pdf(title, ["deploy test"])


def s3_keys(s3, bucket):
    """Every key in the bucket."""
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return sorted(obj["Key"] for page in pages for obj in page.get("Contents", []))


def show_log_tails(lines=15):
    """The end of each process's log with an error in it, for a CI log that is all one has."""
    for log in sorted((STACK.tmp / "logs").glob("*.log")):
        text = log.read_text(errors="replace").splitlines()
        if any(word in line for line in text for word in ("Traceback", "ERROR", "[emerg]", "[crit]")):
            print(f"\n--- {log.name} (last {lines} lines) ---", *text[-lines:], sep="\n", file=sys.stderr)


def main():
    """Run, report, and always stop what was started."""
    sys.path.insert(0, str(ROOT))
    atexit.register(STACK.stop)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, frame: sys.exit(128 + signum))
    status = 0
    try:
        run()
        print(f"[{time.monotonic() - T0:6.1f}s] deployment test passed")
    except Failure as failure:
        show_log_tails()
        print(f"\nFAILED: {failure}\n(logs: {STACK.tmp / 'logs'}; DEPLOYTEST_KEEP_TMP=1 keeps them)",
              file=sys.stderr)
        status = 1
    except Exception:   # an unexpected error: its traceback, the logs, and still the clean-up below
        traceback.print_exc()
        show_log_tails()
        status = 1
    finally:
        step("stopping everything started, dropping the database")
        STACK.stop()
        print(f"[{time.monotonic() - T0:6.1f}s] done")
    return status


if __name__ == "__main__":
    sys.exit(main())
