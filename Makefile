# The two commands: `make run` (portal with demo data on SQLite) and `make test` (the whole suite).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
# Two pytest workers (pytest-xdist): the suite, browser journeys included, in about half the time on 2 cores.
PYTEST_ARGS ?= -n 2
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test test-sqlite test-postgres lint bench backup restore worker

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $@

# axe-core (npm, pinned in tests/browser/package-lock.json) for the accessibility checks of the browser tests.
tests/browser/node_modules/.installed: tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
	touch $@

run:
	scripts/install-system-deps.sh
	$(MAKE) --no-print-directory $(VENV)/.installed
	mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@echo "门户已启动：http://127.0.0.1:8000 （演示账号密码 Demo#2024hb，Ctrl-C 停止）"
	$(MANAGE) db_worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT; $(MANAGE) runserver 127.0.0.1:8000

test:
	scripts/install-system-deps.sh --browser
	$(MAKE) --no-print-directory $(VENV)/.installed
	$(MAKE) --no-print-directory tests/browser/node_modules/.installed
	$(PY) -m ruff check .
	$(MANAGE) makemigrations --check --dry-run
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite:
	@echo "== 测试：SQLite =="
	$(PY) -m pytest $(PYTEST_ARGS)

test-postgres:
	@if $(PY) scripts/pg_reachable.py "$(TEST_DATABASE_URL)"; then \
		echo "== 测试：PostgreSQL =="; \
		TEST_DATABASE_URL="$(TEST_DATABASE_URL)" $(PY) -m pytest $(PYTEST_ARGS); \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL 不可用（$(TEST_DATABASE_URL)），CI 中必须运行 PostgreSQL 测试。"; exit 1; \
	else \
		echo "PostgreSQL 不可用，跳过 PostgreSQL 测试。"; \
	fi

lint: $(VENV)/.installed
	$(PY) -m ruff check .

worker: $(VENV)/.installed
	$(MANAGE) db_worker

# Backup: database rows + private files + SHA-256 manifest in one .tar.gz (BACKUP_DIR, default var/backups).
# Restore: `make restore FILE=var/backups/portal-….tar.gz` verifies the archive, then replaces everything.
# Use the same settings as the running portal (DJANGO_SETTINGS_MODULE, DATABASE_URL, PRIVATE_ROOT).
BACKUP_DIR ?= var/backups

backup: $(VENV)/.installed
	$(MANAGE) backup_portal --dir "$(BACKUP_DIR)"

restore: $(VENV)/.installed
	@if [ -z "$(FILE)" ]; then echo "用法：make restore FILE=var/backups/portal-YYYYmmdd-HHMMSS.tar.gz"; exit 2; fi
	$(MANAGE) migrate --noinput
	$(MANAGE) restore_portal "$(FILE)"

# Benchmark (not part of `make test`): PostgreSQL at 3,600 and 36,000 applications, gunicorn with the
# production settings, wrk at 20 connections; writes bench/results.json and bench/RESULTS.md (see bench/README.md).
# BENCH_ADMIN_URL is a PostgreSQL database used to drop and create the benchmark's own database (portal_bench).
BENCH_ADMIN_URL ?= postgres://postgres@127.0.0.1:5432/postgres

bench:
	scripts/install-system-deps.sh --bench
	$(MAKE) --no-print-directory $(VENV)/.installed
	BENCH_ADMIN_URL="$(BENCH_ADMIN_URL)" $(PY) bench/run.py $(BENCH_ARGS)
