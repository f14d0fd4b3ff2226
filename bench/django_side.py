"""The benchmark's work inside Django, run by bench/run.py in a subprocess against the benchmark database.

    python bench/django_side.py prepare OUT.json      sessions, URLs and SQL query counts of the measured pages
    python bench/django_side.py document KIND         one document measurement, printed as JSON
    python bench/django_side.py profile PAGE OUT.txt [N]  a pyinstrument profile of N requests of one page (20)
    python bench/django_side.py client [PAGE …]       test-client timing and query count of the pages

Run with the same environment as the portal under test (DJANGO_SETTINGS_MODULE, DATABASE_URL …).
"""

import itertools
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from bench.pages import PAGES  # noqa: E402

SESSIONS_PER_ROLE = 20  # one per wrk connection: 20 users, not one user 20 times


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def logged_in_client(username):
    """A test client logged in as `username`, second factor included, recorded the way django-otp does."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.accounts.models import User

    user = User.objects.get(username=username)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id  # what django_otp.login() stores after a valid code
    session.save()
    return client


def resolve(page) -> tuple[str | None, str]:
    """The page's path, or None and the reason it cannot be measured yet."""
    try:
        args, query = page.arguments()
    except LookupError as error:
        return None, str(error)
    for name in page.url_names:
        try:
            return reverse(name, args=args) + query, ""
        except NoReverseMatch:
            continue
    return None, f"URL {' / '.join(page.url_names)} 尚不存在"


def prepare(out: str) -> None:
    """Paths, session cookies for wrk and the SQL query count of each page (second request, warm)."""
    result = {}
    clients = {}
    for page in PAGES:
        path, reason = resolve(page)
        entry = {"label": page.label, "role": page.username or "匿名", "path": path, "reason": reason}
        if path is not None:
            if page.username:
                if page.username not in clients:
                    clients[page.username] = [logged_in_client(page.username) for _ in range(SESSIONS_PER_ROLE)]
                client = clients[page.username][0]
                entry["cookies"] = [c.cookies["sessionid"].value for c in clients[page.username]]
            else:
                client = Client()
                entry["cookies"] = []
            client.get(path)  # warm: first-request caches are not the page's cost
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            entry["status"] = response.status_code
            entry["queries"] = len(queries)
            entry["bytes"] = len(response.content)
        result[page.key] = entry
    Path(out).write_text(json.dumps(result, ensure_ascii=False, indent=1))


# Documents: each measurement runs in a fresh process, so ru_maxrss is that document's peak.


def _all_rows_export(target) -> dict:
    """汇总表 with every application of every campaign (all states): the export's worst case in rows."""
    from django.utils import timezone

    from applications.models import Application, State
    from portal.directory.models import Campaign
    from review.documents import summary
    from review.documents.excel import write_summary_workbook

    campaigns = list(Campaign.objects.order_by("year"))
    visible = Application.objects.all()
    rows = itertools.chain.from_iterable(
        summary.summary_rows(summary.summary_queryset(visible=visible, campaign=c, states=tuple(State.values)))
        for c in campaigns
    )
    plaques = itertools.chain.from_iterable(summary.plaque_rows(visible=visible, campaign=c) for c in campaigns)
    written = write_summary_workbook(target, rows=rows, plaques=plaques, unit="河北省中小企业局", on=timezone.localdate())
    return {"rows": written.rows, "plaques": written.plaques}


def _certificates(count: int):
    from portal.directory.models import Campaign
    from review.documents.certificates import certificates_for_rendering, render_certificates
    from review.models import Certificate

    certificates = list(certificates_for_rendering(Certificate.objects.order_by("campaign__year", "serial"))[:count])
    if not certificates:
        raise LookupError("没有证书")
    # Fewer than `count` in the data: repeat them, the cost is per page.
    pages = list(itertools.islice(itertools.cycle(certificates), count))
    campaign = Campaign.current() or certificates[0].campaign
    return pages, campaign, render_certificates


def document(kind: str) -> dict:
    baseline = maxrss_mb()
    info = {}
    try:
        if kind == "export_all":
            with tempfile.TemporaryFile() as target:
                start = time.perf_counter()
                info = _all_rows_export(target)
                seconds = time.perf_counter() - start
                info["bytes"] = target.tell()
        elif kind in ("certificate_one", "certificates_360"):
            count = 1 if kind == "certificate_one" else 360
            pages, campaign, render = _certificates(count)
            if kind == "certificate_one":
                start = time.perf_counter()
                data = render(pages, campaign=campaign)
                info["cold_seconds"] = round(time.perf_counter() - start, 3)  # includes loading the fonts
                start = time.perf_counter()
                data = render(pages, campaign=campaign)
                seconds = time.perf_counter() - start
            else:
                render(pages[:1], campaign=campaign)  # fonts loaded once per process, as in the worker
                start = time.perf_counter()
                data = render(pages, campaign=campaign)
                seconds = time.perf_counter() - start
            info["pages"] = len(pages)
            info["bytes"] = len(data)
        else:
            raise SystemExit(f"unknown document {kind}")
    except (ImportError, AttributeError, TypeError, LookupError) as error:
        return {"measured": False, "reason": f"{type(error).__name__}: {error}"}
    return {
        "measured": True,
        "seconds": round(seconds, 3),
        "peak_mb": round(maxrss_mb(), 1),
        "baseline_mb": round(baseline, 1),
        **info,
    }


def client_timing(keys: list[str], requests: int = 30) -> None:
    """Each page through the test client, in this process: SQL queries of a warm request and the median and best
    milliseconds of `requests` more. No server, no wrk: for comparing two versions of the code on the same data
    (the before/after figures of bench/NOTES.md), not for the goals."""
    import statistics

    print(f"{'page':26} {'status':>6} {'queries':>7} {'median ms':>9} {'best ms':>8} {'CPU ms':>7} {'KB':>5}")
    for page in PAGES:
        if keys and page.key not in keys:
            continue
        path, reason = resolve(page)
        if path is None:
            print(f"{page.key:26} not measured: {reason}")
            continue
        client = logged_in_client(page.username) if page.username else Client()
        for _ in range(3):
            client.get(path)  # warm: the session, the caches, the templates
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        count = len(queries.captured_queries)
        times, cpu = [], []
        for _ in range(requests):
            start, start_cpu = time.perf_counter(), time.process_time()
            client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        # CPU ms: this process's own time (Python, templates, the driver), the least disturbed by a busy machine.
        print(f"{page.key:26} {response.status_code:>6} {count:>7} {statistics.median(times):>9.2f} {min(times):>8.2f} "
              f"{statistics.median(cpu):>7.2f} {len(response.content) / 1024:>5.0f}")


def profile(key: str, out: str, requests: int = 20) -> None:
    """Profile `requests` requests of one page through the test client (pyinstrument, if installed)."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        Path(out).write_text("pyinstrument 未安装：.venv/bin/pip install pyinstrument\n")
        return
    page = next(p for p in PAGES if p.key == key)
    path, _ = resolve(page)
    client = logged_in_client(page.username) if page.username else Client()
    client.get(path)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(requests):
        client.get(path)
    profiler.stop()
    Path(out).write_text(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "prepare":
        prepare(sys.argv[2])
    elif command == "document":
        print(json.dumps(document(sys.argv[2]), ensure_ascii=False))
    elif command == "profile":
        profile(sys.argv[2], sys.argv[3], *map(int, sys.argv[4:5]))
    elif command == "client":
        client_timing(sys.argv[2:])
    else:
        raise SystemExit(__doc__)
