# mediadmin: `make run` to try it, `make test` to test it. Both set everything up.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=

TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: run test test-postgres deploy-test serve install install-dev chromium services migrate demo collectstatic check clean bench-env

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(PY)
	$(PIP) install -q -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install -q -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

chromium:
	@sh .ci/ensure-chromium

services:
	@sh .ci/ensure-services

migrate: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput

demo: migrate
	DJANGO_DEBUG=1 $(PY) manage.py load_demo

## run: set up, load the demo data and start the development server on 127.0.0.1:8000
run: demo
	@echo ""
	@echo "  mediadmin is starting on http://$(HOST):$(PORT)/"
	@echo "  Admin:    http://$(HOST):$(PORT)/admin/"
	@echo "  Login:    admin / $$(cat .demo-password 2>/dev/null || echo '(the DJANGO_DEMO_PASSWORD you set)')"
	@echo ""
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

## test: set up (virtualenv, dev requirements, Chromium, Redis) and run the whole suite on SQLite
test: install-dev chromium services
	$(VENV)/bin/ruff check .
	$(PY) manage.py check --fail-level WARNING
	$(PY) -m pytest $(PYTEST_ARGS)

## test-postgres: the whole suite again on the PostgreSQL server (started if stopped)
test-postgres: install-dev chromium
	@sh .ci/ensure-services postgres
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) -m pytest $(PYTEST_ARGS)

## deploy-test: the stack of docs/deployment.md on loopback, built from deploy/ (nginx + TLS, gunicorn x2,
## db_worker, PostgreSQL, Redis, moto's S3 server), smoke-tested through nginx, then stopped
deploy-test: install-dev
	@sh .ci/ensure-nginx
	@sh .ci/ensure-services postgres
	$(PY) deploy/test/run.py

## serve: production-like on loopback: DEBUG off, collectstatic, whitenoise, gunicorn
## (gthread workers: a client sending its body slowly holds one thread, not a whole worker)
serve: demo
	@test -f .secret-key || $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > .secret-key
	DJANGO_SECRET_KEY=$$(cat .secret-key) $(PY) manage.py collectstatic --noinput -v0
	@echo "  Production-like server on http://$(HOST):$(PORT)/ (DEBUG off; media served by Django only on loopback)"
	DJANGO_SECRET_KEY=$$(cat .secret-key) MEDIADMIN_SERVE_MEDIA=1 \
	  $(VENV)/bin/gunicorn mediadmin.wsgi --bind $(HOST):$(PORT) --workers $${WORKERS:-3} \
	  --worker-class gthread --threads $${THREADS:-8} --access-logfile -

collectstatic: install
	$(PY) manage.py collectstatic --noinput

check: install
	$(PY) manage.py check

## bench-env: the benchmarks' own environment (bench/.venv-peers): dev requirements plus the peers
## measured against (django-pictures) and numpy, pinned in bench/requirements-peers.txt
BENCH_VENV := bench/.venv-peers
$(BENCH_VENV)/.installed: requirements.txt requirements-dev.txt bench/requirements-peers.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip --disable-pip-version-check install -q -r requirements-dev.txt -r bench/requirements-peers.txt
	@touch $@

bench-env: $(BENCH_VENV)/.installed

clean:
	rm -rf $(VENV) static/* db.sqlite3 db.sqlite3-* .pytest_cache
	@touch static/.gitkeep
