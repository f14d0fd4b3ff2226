"""The benchmark (`make bench`): the portal under gunicorn with the production settings, on PostgreSQL,
at two sizes of data, measured with wrk on loopback. Writes bench/results.json and bench/RESULTS.md.

    .venv/bin/python bench/run.py [--sizes 3600 36000] [--rounds 5] [--duration 6] [--connections 20] [--profile]

See bench/README.md for what is measured and how.
"""

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import peer  # bench/peer.py, beside this script
import psycopg2

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VENV_BIN = Path(sys.executable).parent
WORK = ROOT / "var" / "bench"  # static files, private files, logs: never in git
FLOOR = "floor"
SIGNED_IN_FLOOR = "floor_signed_in"  # /healthz with a session: the fixed cost of every signed-in request

GOAL_PAGE_RATIO = 3.0  # each page's p95 within 3× the floor's
GOAL_GROWTH = 1.2  # each page's p95 at the larger size within 20 % of the smaller's
GOAL_SIGNED_IN_RATIO = 1.5  # the signed-in empty page: being signed in costs at most half the floor again
GOAL_SIGNED_IN_QUERIES = 2  # queries a signed-in request makes before the page's own
GOAL_EXPORT_SECONDS = 5.0  # 3,600-row 汇总表
GOAL_EXPORT_MB = 150.0
GOAL_EXPORT_GROWTH = 1.2  # "the 36,000-row export in the same memory": peak at most 20 % above the 3,600-row peak
GOAL_CERTIFICATES_SECONDS = 15.0  # 360 certificates in one PDF
DOCUMENTS = ("export_all", "certificate_one", "certificates_360")


def log(message):
    print(f"[bench {dt.datetime.now():%H:%M:%S}] {message}", flush=True)


# Database -------------------------------------------------------------------------------------------------------


def database_url(admin_url: str, name: str) -> str:
    parts = urlsplit(admin_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate_database(admin_url: str, name: str) -> None:
    """Drop and create the benchmark's own database (never any other)."""
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"unsafe database name: {name}")
    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def settle(url: str) -> None:
    """After seeding: vacuum and analyze the database and write its pages out (CHECKPOINT), so that neither the
    autovacuum of the fresh tables nor a checkpoint of the seeding's writes lands in the middle of a measurement."""
    connection = psycopg2.connect(url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
        try:
            cursor.execute("CHECKPOINT")
        except psycopg2.Error as error:  # needs a superuser or pg_checkpoint: the vacuum alone is still worth it
            log(f"CHECKPOINT refused ({error.pgerror or error}); measuring after the vacuum alone")
    connection.close()


def postgres_version(admin_url: str) -> str:
    connection = psycopg2.connect(admin_url)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    connection.close()
    return version


# The portal under test ------------------------------------------------------------------------------------------


def portal_env(db_url: str, redis_url: str = "", private_root: Path = WORK / "private") -> dict:
    """Production settings, on plain HTTP over loopback; the cache in Redis when `redis_url` is given (the production
    set-up), else in the database (the production settings' fallback)."""
    return {
        "REDIS_URL": redis_url,
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "False",
        "DEMO_DATA_ALLOWED": "True",  # a throw-away database: seed_demo refuses under production settings otherwise
        "DATABASE_URL": db_url,
        "CONN_MAX_AGE": "600",
        "STATIC_ROOT": str(WORK / "static"),
        "PRIVATE_ROOT": str(private_root),
        "PYTHONPATH": str(ROOT),
    }


def manage(env, *args, timeout=3600) -> float:
    start = time.perf_counter()
    subprocess.run([str(VENV_BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=timeout,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def django_side(env, *args, timeout=1800) -> str:
    done = subprocess.run([str(VENV_BIN / "python"), str(BENCH / "django_side.py"), *args], cwd=ROOT, env=env,
                          check=True, timeout=timeout, capture_output=True, text=True)
    return done.stdout


class Gunicorn:
    """gunicorn with 2 sync workers, started and stopped by the benchmark (its own process group)."""

    def __init__(self, env, port, workers, logfile, *, app="portal.wsgi", gunicorn=VENV_BIN / "gunicorn",
                 ready="/healthz", cwd=ROOT):
        self.port = port
        self.log = open(logfile, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [str(gunicorn), app, "-w", str(workers), "--no-control-socket", "-b", f"127.0.0.1:{port}"],
            cwd=cwd, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited ({self.process.returncode}); see {logfile}")
            try:
                if self.get(ready)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise SystemExit(f"gunicorn did not answer {ready} in 60 s; see {logfile}")

    def get(self, path, cookie=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request("GET", path, headers={"Cookie": f"sessionid={cookie}"} if cookie else {})
        response = connection.getresponse()
        response.read()
        connection.close()
        return response.status, response.getheader("Location", "")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the group gunicorn leads: master and its workers
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


class RedisServer:
    """A private redis-server for one size (the production cache: sessions, unread counts, rate limits): its own
    port, nothing written to disk, started empty so no cached row of the previous size's database survives."""

    def __init__(self, port, logfile):
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--logfile", str(logfile)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"redis-server exited ({self.process.returncode}); see {logfile}")
            ping = subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True)
            if ping.stdout.strip() == "PONG":
                return
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"redis-server did not answer in 20 s; see {logfile}")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def best_round(rounds: list[dict]) -> dict:
    """The round that stands for a page: the lowest p95 (a shared machine only ever makes a page slower than it is)
    among the rounds in which a request completed (one in which none did has no p95)."""
    answered = [r for r in rounds if r["requests"]] or rounds
    return min(answered, key=lambda r: r["p95_ms"])


def wrk(url, cookies, *, threads, connections, duration, cookie_name="sessionid") -> dict:
    env = {**os.environ, "BENCH_COOKIES": "|".join(cookies), "BENCH_COOKIE_NAME": cookie_name}
    done = subprocess.run(
        # --timeout: a slow page's requests must count in its latency, not vanish as wrk timeouts (default 2 s).
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "60s", "--latency",
         "-s", str(BENCH / "latency.lua"), url],
        env=env, check=True, capture_output=True, text=True, timeout=duration + 60,
    )
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))
    raise RuntimeError(f"wrk printed no result:\n{done.stdout}\n{done.stderr}")


# The sizes, measured side by side ------------------------------------------------------------------------------


class SizeRun:
    """One size's database, cache and server, set up before any page is measured: every page is then measured at
    each size in turn (`measure_pages`), so a machine that slows down or speeds up during the run moves both sizes
    alike instead of passing for a growth between them."""

    def __init__(self, size, index, args, stack):
        self.size, self.args = size, args
        database = f"{args.database}_{size}"
        log(f"size {size}: fresh database {database} (load average {load_average()})")
        recreate_database(args.admin_url, database)
        redis_url = ""
        if not args.no_redis:
            redis = RedisServer(args.redis_port + index, WORK / f"redis-{size}.log")
            stack.callback(redis.stop)
            redis_url = redis.url
        private = WORK / f"private-{size}"
        shutil.rmtree(private, ignore_errors=True)
        self.database_url = database_url(args.admin_url, database)
        self.env = portal_env(self.database_url, redis_url, private)
        manage(self.env, "migrate", "--noinput")
        manage(self.env, "collectstatic", "--noinput")
        log(f"size {size}: seed_demo --applications {size}")
        self.seed_seconds = manage(self.env, "seed_demo", "--applications", str(size))
        log(f"size {size}: seeded in {self.seed_seconds:.1f} s; sessions and query counts")
        pages_file = WORK / f"pages-{size}.json"
        django_side(self.env, "prepare", str(pages_file))
        self.pages = json.loads(pages_file.read_text())
        self.server = Gunicorn(self.env, args.port + index, args.workers, WORK / f"gunicorn-{size}.log")
        stack.callback(self.server.stop)

    def measure(self, key, position) -> None:
        page, args = self.pages[key], self.args
        if page["path"] is None:
            return
        cookie = page["cookies"][0] if page["cookies"] else None
        status, location = self.server.get(page["path"], cookie)
        page["http_status"] = status
        if status != 200:
            page["reason"] = f"HTTP {status} {location}".strip()
            return
        url = f"http://127.0.0.1:{self.server.port}{page['path']}"
        wrk(url, page["cookies"], threads=args.threads, connections=args.connections, duration=args.warmup)
        figures = wrk(url, page["cookies"], threads=args.threads, connections=args.connections, duration=args.duration)
        log(f"  {key} ({self.size}): {figures['rps']:.0f} req/s, p95 {figures['p95_ms']:.1f} ms")
        if key == FLOOR and position > 0:
            page = page.setdefault("end_of_run", {})
        rounds = page.setdefault("rounds", [])
        rounds.append(figures)
        page.update(best_round(rounds))

    def documents(self) -> dict:
        documents = {}
        for kind in DOCUMENTS:
            log(f"size {self.size}: document {kind}")
            try:
                documents[kind] = json.loads(django_side(self.env, "document", kind).strip().splitlines()[-1])
            except subprocess.CalledProcessError as error:
                documents[kind] = {"measured": False, "reason": (error.stderr or "").strip().splitlines()[-1:]}
            log(f"  {kind}: {documents[kind]}")
        return documents

    def profiles(self) -> None:
        (BENCH / "profiles").mkdir(exist_ok=True)
        for key, page in self.pages.items():
            if page.get("p95_ratio", 0) > GOAL_PAGE_RATIO:
                out = BENCH / "profiles" / f"{self.size}-{key}.txt"
                django_side(self.env, "profile", key, str(out))
                page["profile"] = str(out.relative_to(ROOT))


def measure_pages(runs: list[SizeRun], rounds: int, only=()) -> None:
    """wrk on every resolvable page, each page at every size before the next page, `rounds` times in the order
    A B, B A, A B … (a drift during a page's rounds weighs on both sizes alike); the floor first and once more at the
    end (drift check)."""
    keys = [k for k in runs[0].pages if not only or k in only or k == FLOOR]
    for run in runs:  # pages left out (`--pages`) are not reported
        run.pages = {k: v for k, v in run.pages.items() if k in keys}
    order = [FLOOR] + [k for k in keys if k != FLOOR] + [FLOOR]
    for position, key in enumerate(order):
        for number in range(rounds):
            for run in runs if number % 2 == 0 else reversed(runs):
                run.measure(key, position)
    for run in runs:
        _ratios(run.pages)


def _ratios(pages) -> None:
    floor, signed_in = pages[FLOOR], pages.get(SIGNED_IN_FLOOR, {})
    for page in pages.values():
        if "p95_ms" in page and "p95_ms" in floor:
            page["p95_ratio"] = round(page["p95_ms"] / floor["p95_ms"], 2)
            page["rps_ratio"] = round(floor["rps"] / page["rps"], 2) if page["rps"] else None
        if "p95_ms" in page and "p95_ms" in signed_in and page["cookies"]:
            page["p95_ratio_signed_in"] = round(page["p95_ms"] / signed_in["p95_ms"], 2)


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def run_sizes(args) -> dict:
    """Set up every size, measure the pages side by side, then each size's documents (servers stopped)."""
    with contextlib.ExitStack() as stack:
        runs = [SizeRun(size, index, args, stack) for index, size in enumerate(args.sizes)]
        for run in runs:
            log(f"size {run.size}: VACUUM (ANALYZE), CHECKPOINT")
            settle(run.database_url)
        load_before = load_average()
        measure_pages(runs, args.rounds, args.pages)
        load_after = load_average()
    results = {}
    for run in runs:
        documents = {} if args.pages else run.documents()
        if args.profile:
            run.profiles()
        for page in run.pages.values():
            page.pop("cookies", None)
        results[str(run.size)] = {
            "applications": run.size,
            "seed_seconds": round(run.seed_seconds, 1),
            # 1, 5, 15 min, around the pages of all sizes: was the machine idle?
            "load_average": {"before_pages": load_before, "after_pages": load_after},
            "pages": run.pages,
            "documents": documents,
        }
    return results


def measure_peer(args, size: int) -> dict:
    """pretalx's organiser submission list with as many submissions as the portal's smallest size has applications,
    measured like the portal's pages (bench/peer.py); or why it could not be."""
    log(f"peer: pretalx with {size} submissions (load average {load_average()})")
    try:
        env, path = peer.install(WORK, args.admin_url, size, args.peer_port, recreate_database)
        venv_bin = WORK / "pretalx-venv" / "bin"
        server = Gunicorn(env, args.peer_port, args.workers, WORK / "gunicorn-pretalx.log", app="pretalx.wsgi",
                          gunicorn=venv_bin / "gunicorn", ready="/orga/login/", cwd=WORK)
    except (peer.PeerUnavailable, SystemExit) as error:
        log(f"peer: not measured: {error}")
        return {"measured": False, "reason": str(error)}
    try:
        cookies = peer.sessions(args.peer_port, path, 20)
        url = f"http://127.0.0.1:{args.peer_port}{path}"
        rounds = []
        for _ in range(args.rounds):
            wrk(url, cookies, threads=args.threads, connections=args.connections, duration=args.warmup,
                cookie_name="pretalx_session")
            # A page of about a second: the warm-up leaves 20 requests queued on the 2 workers; one more request
            # returns once they are served, and the measured run starts on an idle server.
            server.get(path, cookies[0])
            rounds.append(wrk(url, cookies, threads=args.threads, connections=args.connections,
                              duration=args.peer_duration, cookie_name="pretalx_session"))
            log(f"  pretalx {path}: {rounds[-1]['rps']:.0f} req/s, p95 {rounds[-1]['p95_ms']:.1f} ms")
    except (peer.PeerUnavailable, OSError) as error:
        return {"measured": False, "reason": str(error)}
    finally:
        server.stop()
    return {"measured": True, "name": peer.PRETALX, "size": size, "path": path, "seconds_per_run": args.peer_duration,
            "rounds": rounds, **best_round(rounds)}


# Report ---------------------------------------------------------------------------------------------------------


def ratio(a, b):
    if a is None or b is None:
        return None
    if a == 0:
        return 1.0 if b == 0 else None
    return round(b / a, 2)


def growth(small: dict, large: dict) -> dict:
    """size2 / size1 for every figure measured at both sizes."""
    result = {"seed_seconds": ratio(small["seed_seconds"], large["seed_seconds"]), "pages": {}, "documents": {}}
    for key, page in small["pages"].items():
        other = large["pages"].get(key, {})
        result["pages"][key] = {
            name: ratio(page.get(name), other.get(name))
            for name in ("rps", "p50_ms", "p95_ms", "p99_ms", "queries")
            if page.get(name) is not None and other.get(name) is not None
        }
    for kind, document in small["documents"].items():
        other = large["documents"].get(kind, {})
        result["documents"][kind] = {
            name: ratio(document.get(name), other.get(name))
            for name in ("seconds", "peak_mb", "rows")
            if document.get(name) is not None and other.get(name) is not None
        }
    return result


def goals(sizes: dict) -> list[dict]:
    keys = sorted(sizes, key=int)
    small, large = sizes[keys[0]], sizes[keys[-1]]
    rows = []

    def goal(name, met, detail):
        rows.append({"goal": name, "met": met, "detail": detail})

    for size in keys:
        pages = sizes[size]["pages"]
        floor = pages[FLOOR].get("p95_ms")
        signed_in = pages.get(SIGNED_IN_FLOOR, {})
        if "p95_ratio" in signed_in:
            goal(f"{signed_in['label']} p95 ≤ {GOAL_SIGNED_IN_RATIO:g}× 基准（{size} 份）",
                 signed_in["p95_ratio"] <= GOAL_SIGNED_IN_RATIO,
                 f"{signed_in['p95_ms']:.1f} ms vs {floor:.1f} ms = {signed_in['p95_ratio']}×")
        if signed_in.get("queries") is not None and pages[FLOOR].get("queries") is not None:
            before_content = signed_in["queries"] - pages[FLOOR]["queries"]
            goal(f"{signed_in['label']}：页面内容之前的 SQL 查询 ≤ {GOAL_SIGNED_IN_QUERIES}（{size} 份）",
                 before_content <= GOAL_SIGNED_IN_QUERIES, f"{before_content}")
        for key, page in pages.items():
            if key == FLOOR:
                continue
            if "p95_ratio" in page and not page.get("requests"):
                goal(f"{page['label']} p95 ≤ {GOAL_PAGE_RATIO:g}× 基准（{size} 份）", False,
                     f"no request completed in {page.get('seconds')} s")
            elif "p95_ratio" in page:
                goal(f"{page['label']} p95 ≤ {GOAL_PAGE_RATIO:g}× 基准（{size} 份）", page["p95_ratio"] <= GOAL_PAGE_RATIO,
                     f"{page['p95_ms']:.1f} ms vs {floor:.1f} ms = {page['p95_ratio']}×")
            else:
                goal(f"{page['label']}（{size} 份）", None, f"not measured: {page.get('reason')}")
    for key, page in small["pages"].items():
        other = large["pages"].get(key, {})
        if page.get("queries") is not None and other.get("queries") is not None:
            goal(f"{page['label']}：SQL 查询数不随行数增长", page["queries"] == other["queries"],
                 f"{page['queries']} → {other['queries']}")
    if len(keys) > 1:
        for key, page in small["pages"].items():
            other = large["pages"].get(key, {})
            if page.get("p95_ms") and other.get("p95_ms"):
                grown = other["p95_ms"] / page["p95_ms"]
                goal(f"{page['label']}：p95 从 {keys[0]} 到 {keys[-1]} 份增长 ≤ {GOAL_GROWTH - 1:.0%}", grown <= GOAL_GROWTH,
                     f"{page['p95_ms']:.1f} → {other['p95_ms']:.1f} ms = {grown:.2f}×")

    def document(size_result, kind):
        return size_result["documents"].get(kind, {})

    export_small, export_large = document(small, "export_all"), document(large, "export_all")
    if export_small.get("measured"):
        goal(f"汇总表 {export_small.get('rows')} 行 < {GOAL_EXPORT_SECONDS:g} s",
             export_small["seconds"] < GOAL_EXPORT_SECONDS, f"{export_small['seconds']} s")
        goal(f"汇总表 {export_small.get('rows')} 行 < {GOAL_EXPORT_MB:g} MB", export_small["peak_mb"] < GOAL_EXPORT_MB,
             f"{export_small['peak_mb']} MB peak RSS")
    else:
        goal("汇总表导出", None, f"not measured: {export_small.get('reason')}")
    if export_small.get("measured") and export_large.get("measured"):
        grown = export_large["peak_mb"] / export_small["peak_mb"]
        goal(f"汇总表 {export_large.get('rows')} 行：内存与 {export_small.get('rows')} 行相同",
             grown <= GOAL_EXPORT_GROWTH and export_large["peak_mb"] < GOAL_EXPORT_MB,
             f"{export_small['peak_mb']} → {export_large['peak_mb']} MB peak RSS ({grown:.2f}×)")
    for size in keys:
        certificates = document(sizes[size], "certificates_360")
        if certificates.get("measured"):
            goal(f"360 张证书合并为一个 PDF < {GOAL_CERTIFICATES_SECONDS:g} s（{size} 份）",
                 certificates["seconds"] < GOAL_CERTIFICATES_SECONDS, f"{certificates['seconds']} s")
        else:
            goal(f"360 张证书（{size} 份）", None, f"not measured: {certificates.get('reason')}")
    return rows


def machine(admin_url) -> dict:
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                    if line.startswith("model name")), "")
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("[")[0].strip()
    versions = subprocess.run(
        [str(VENV_BIN / "python"), "-c", "import django, gunicorn; print(django.get_version(), gunicorn.__version__)"],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": versions[0],
        "gunicorn": versions[1],
        "postgresql": postgres_version(admin_url),
        "wrk": wrk_version,
    }


def fmt(value, digits=1):
    return "—" if value is None else f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def markdown(results: dict) -> str:
    m, method, sizes = results["machine"], results["method"], results["sizes"]
    keys = sorted(sizes, key=int)
    workers = int(method["gunicorn"].split("-w ")[1].split()[0])
    lines = [
        "# Benchmark results",
        "",
        f"Measured {m['date']} on {m['cores']} cores ({m['cpu'] or 'unknown CPU'}), {m['memory']} RAM, {m['os']}; "
        f"Python {m['python']}, Django {m['django']}, gunicorn {m['gunicorn']}, PostgreSQL {m['postgresql']}, "
        f"{m['wrk']}.",
        "",
        f"gunicorn `{method['gunicorn']}` with `portal.settings.production` (CONN_MAX_AGE=600, cache: "
        f"{method.get('cache', 'none configured')}) on loopback; "
        f"`{method['wrk']}` per page after a {method['warmup_seconds']} s warm-up; each logged-in page rotates "
        f"{method['sessions_per_role']} sessions of its role (second factor verified). Data: `seed_demo "
        f"--applications N` (10 campaigns, 2015–2024). How to run and what each figure means: bench/README.md.",
        "",
        "*worker ms/request* = workers × 1000 ÷ req/s: the time one request occupies a worker. With 20 connections "
        "on 2 workers a request mostly waits for a free worker, so the latency percentiles are about 10× that.",
        "",
        "## Goals",
        "",
        "| Goal | Result | Figures |",
        "|---|---|---|",
    ]
    for row in results["goals"]:
        result = {True: "met", False: "**missed**", None: "not measured"}[row["met"]]
        lines.append(f"| {row['goal']} | {result} | {row['detail']} |")
    for size in keys:
        data = sizes[size]
        floor = data["pages"][FLOOR]
        load = data.get("load_average", {})
        lines += [
            "",
            f"## {int(size):,} applications (seeded in {data['seed_seconds']} s)",
            "",
            f"Load average (1/5/15 min) before the page measurements {load.get('before_pages')}, after "
            f"{load.get('after_pages')} (the machine has {m['cores']} cores).",
            "",
            "| Page | Role | req/s | worker ms/request | p50 ms | p95 ms | p99 ms | p95 ÷ floor | p95 ÷ signed-in floor "
            "| SQL queries | KB | wrk errors |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        signed_in = data["pages"].get(SIGNED_IN_FLOOR, {})

        def signed_in_ratio(page, signed_in=signed_in):
            if page["role"] == "匿名" or "p95_ms" not in signed_in:
                return "—"
            return f"{page['p95_ms'] / signed_in['p95_ms']:.2f}"

        for page in data["pages"].values():
            if "p95_ms" not in page:
                continue
            lines.append(
                f"| {page['label']} | {page['role']} | {page['rps']:.0f} | "
                f"{fmt(workers * 1000 / page['rps'] if page['rps'] else None)} | "
                f"{page['p50_ms']:.1f} | {page['p95_ms']:.1f} | "
                f"{page['p99_ms']:.1f} | {fmt(page.get('p95_ratio'), 2)} | {signed_in_ratio(page)} | "
                f"{fmt(page.get('queries'))} | "
                f"{page.get('bytes', 0) / 1024:.0f} | {sum(page['errors'].values())} |"
            )
        if "end_of_run" in floor:
            end = floor["end_of_run"]
            drift = end["p95_ms"] / floor["p95_ms"]
            lines.append(f"\nFloor measured again after the pages: {end['rps']:.0f} req/s, p95 {end['p95_ms']:.1f} ms "
                         f"({drift:.2f}× the first)."
                         + (" **The machine was not quiet: these figures are noisy.**" if not 0.75 < drift < 1.33 else ""))
        lines += ["", "| Document | Seconds | Peak RSS MB | Process baseline MB | Notes |", "|---|---|---|---|---|"]
        for kind, doc in data["documents"].items():
            if doc.get("measured"):
                notes = ", ".join(f"{k} {v}" for k, v in doc.items()
                                  if k not in ("measured", "seconds", "peak_mb", "baseline_mb"))
                lines.append(f"| {kind} | {doc['seconds']} | {doc['peak_mb']} | {doc['baseline_mb']} | {notes} |")
            else:
                lines.append(f"| {kind} | — | — | — | not measured: {doc.get('reason')} |")
    if len(keys) > 1:
        g = results["growth"]
        lines += [
            "",
            f"## Growth from {int(keys[0]):,} to {int(keys[-1]):,} applications (size 2 ÷ size 1)",
            "",
            f"Seeding: {fmt(g['seed_seconds'], 2)}×.",
            "",
            "| Page | req/s | p50 | p95 | p99 | SQL queries |",
            "|---|---|---|---|---|---|",
        ]
        for key, figures in g["pages"].items():
            label = sizes[keys[0]]["pages"][key]["label"]
            if figures:
                lines.append(f"| {label} | " + " | ".join(
                    fmt(figures.get(n), 2) for n in ("rps", "p50_ms", "p95_ms", "p99_ms", "queries")) + " |")
        lines += ["", "| Document | Seconds | Peak RSS | Rows |", "|---|---|---|---|"]
        for kind, figures in g["documents"].items():
            lines.append(f"| {kind} | " + " | ".join(fmt(figures.get(n), 2) for n in ("seconds", "peak_mb", "rows")) + " |")
    peer = results.get("peer")
    if peer:
        lines += ["", "## Beside pretalx", ""]
        if peer.get("measured"):
            province = sizes[str(peer["size"])]["pages"].get("province_list", {})
            lines += [
                f"{peer['name']} from PyPI in its own virtualenv, PostgreSQL, gunicorn with the same {workers} sync workers "
                f"and the same wrk settings but {peer.get('seconds_per_run', 10)}-second runs (its list takes about a "
                f"second a request); {peer['size']:,} submissions, each with a speaker, against the portal's "
                f"{peer['size']:,} applications (bench/peer.py), best of {len(peer['rounds'])} rounds.",
                "",
                "| Page | req/s | p50 ms | p95 ms | p99 ms | wrk errors |",
                "|---|---|---|---|---|---|",
                f"| pretalx: organiser submission list `{peer['path']}` | {peer['rps']:.1f} | {peer['p50_ms']:.1f} | "
                f"{peer['p95_ms']:.1f} | {peer['p99_ms']:.1f} | {sum(peer['errors'].values())} |",
            ]
            if "p95_ms" in province:
                lines.append(
                    f"| portal: {province['label']} | {province['rps']:.1f} | {province['p50_ms']:.1f} | "
                    f"{province['p95_ms']:.1f} | {province['p99_ms']:.1f} | {sum(province['errors'].values())} |"
                )
        else:
            lines.append(f"pretalx not measured: {peer.get('reason')}")
    missing = sorted({
        f"{page['label']}: {page.get('reason')}"
        for size in keys for page in sizes[size]["pages"].values() if "p95_ms" not in page
    } | {
        f"{kind}: {doc.get('reason')}"
        for size in keys for kind, doc in sizes[size]["documents"].items() if not doc.get("measured")
    })
    if missing:
        lines += ["", "## Not measured yet", ""] + [f"- {item}" for item in missing]
    notes = BENCH / "NOTES.md"
    if notes.exists():
        lines += ["", notes.read_text().strip()]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+",
                        default=[int(n) for n in os.environ.get("BENCH_SIZES", "3600 36000").split()],
                        help="numbers of applications, one run each (default: BENCH_SIZES or 3600 36000)")
    parser.add_argument("--admin-url", default=os.environ.get("BENCH_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
                        help="a PostgreSQL database to connect to for DROP/CREATE DATABASE")
    parser.add_argument("--database", default="portal_bench", help="prefix: one database per size, e.g. portal_bench_3600")
    parser.add_argument("--port", type=int, default=8123, help="the first size's server; the next sizes take the next ports")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--duration", type=int, default=6, help="seconds of wrk per page and round")
    parser.add_argument("--warmup", type=int, default=1, help="seconds of wrk before each measurement")
    parser.add_argument("--rounds", type=int, default=5,
                        help="measurements of each page at each size (A B, B A …); the best p95 stands for the page")
    parser.add_argument("--profile", action="store_true", help="pyinstrument profile of each page that misses its goal")
    parser.add_argument("--redis-port", type=int, default=6391,
                        help="port of the first size's own redis-server; the next sizes take the next ports")
    parser.add_argument("--no-redis", action="store_true",
                        help="no Redis: the production settings' database cache (REDIS_URL unset)")
    parser.add_argument("--pages", nargs="+", default=(),
                        help="measure only these pages of bench/pages.py (and the floor); no documents, no pretalx")
    parser.add_argument("--no-peer", action="store_true", help="leave pretalx out (bench/peer.py)")
    parser.add_argument("--peer-port", type=int, default=8130, help="pretalx's gunicorn")
    parser.add_argument("--peer-duration", type=int, default=60,
                        help="seconds of wrk on pretalx's list (about a second a request: 10 s would see none finish)")
    parser.add_argument("--peer-only", action="store_true",
                        help="measure pretalx alone and add it to the results.json in --out (pages not measured again)")
    parser.add_argument("--out", default=str(BENCH), help="where results.json and RESULTS.md go")
    parser.add_argument("--report", action="store_true",
                        help="measure nothing: write RESULTS.md again from results.json (after editing NOTES.md)")
    args = parser.parse_args()
    if args.report:
        out = Path(args.out)
        (out / "RESULTS.md").write_text(markdown(json.loads((out / "results.json").read_text())))
        return
    for tool in ("wrk", *(() if args.no_redis else ("redis-server", "redis-cli"))):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: scripts/install-system-deps.sh --bench")
    WORK.mkdir(parents=True, exist_ok=True)

    if args.peer_only:
        out = Path(args.out)
        results = json.loads((out / "results.json").read_text())
        WORK.mkdir(parents=True, exist_ok=True)
        results["peer"] = measure_peer(args, min(int(size) for size in results["sizes"]))
        (out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
        (out / "RESULTS.md").write_text(markdown(results))
        return
    results = {
        "machine": machine(args.admin_url),
        "method": {
            "gunicorn": f"gunicorn portal.wsgi -w {args.workers} --no-control-socket",
            "wrk": f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --timeout 60s --latency "
                   "-s bench/latency.lua",
            "warmup_seconds": args.warmup,
            "sessions_per_role": 20,
            "database": "PostgreSQL, a fresh database per size",
            "cache": "the database (REDIS_URL unset)" if args.no_redis else "Redis (a fresh redis-server per size)",
            "order": f"every size set up first, then each page measured at every size in turn, {args.rounds} rounds "
                     "(A B, B A …), the round with the lowest p95 standing for the page",
        },
        "sizes": {},
    }
    results["sizes"] = run_sizes(args)
    if not (args.no_peer or args.pages):
        results["peer"] = measure_peer(args, min(args.sizes))
    keys = sorted(results["sizes"], key=int)
    if len(keys) > 1:
        results["growth"] = growth(results["sizes"][keys[0]], results["sizes"][keys[-1]])
    results["goals"] = goals(results["sizes"])
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    (out / "RESULTS.md").write_text(markdown(results))
    log(f"written {out / 'results.json'} and {out / 'RESULTS.md'}")
    missed = [row["goal"] for row in results["goals"] if row["met"] is False]
    if missed:
        log("missed: " + "; ".join(missed))


if __name__ == "__main__":
    main()
