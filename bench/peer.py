"""pretalx beside the portal (issue 16): its organiser submission list, served and measured like the province list.

pretalx is installed from PyPI into its own virtualenv under var/bench (its Django and its dependencies are not the
portal's), given its own PostgreSQL database, built (`python -m pretalx rebuild`, which needs Node.js and npm for its
front-end), filled with as many submissions as the portal has applications, and served by gunicorn with the same two
sync workers. Every step that fails says why, and the benchmark reports the peer as not measured with that reason.
"""

import http.cookiejar
import os
import re
import shutil
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path

PRETALX = "pretalx==2025.2.2"
EMAIL, PASSWORD = "orga@bench.example.org", "Bench#2024peer"
DATABASE = "portal_bench_pretalx"


class PeerUnavailable(Exception):
    """pretalx could not be installed, built or served here; the message says which step and why."""


def _run(step, command, *, env=None, timeout=1800, cwd=None) -> str:
    try:
        done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise PeerUnavailable(f"{step}: {error}") from error
    if done.returncode != 0:
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["(no output)"]
        raise PeerUnavailable(f"{step}: exit {done.returncode}: {last[0][:300]}")
    return done.stdout


def _config(work: Path, admin_url: str, port: int) -> Path:
    parts = urllib.parse.urlsplit(admin_url)
    data = work / "pretalx-data"
    data.mkdir(parents=True, exist_ok=True)
    config = work / "pretalx.cfg"
    config.write_text(
        "[database]\nbackend=postgresql\n"
        f"name={DATABASE}\nuser={parts.username or 'postgres'}\nhost={parts.hostname or '127.0.0.1'}\n"
        f"port={parts.port or 5432}\n"
        + (f"password={parts.password}\n" if parts.password else "")
        + f"\n[filesystem]\ndata={data}\n\n[site]\ndebug=False\nurl=http://127.0.0.1:{port}\n"
    )
    return config


def install(work: Path, admin_url: str, size: int, port: int, recreate_database) -> tuple[dict, str]:
    """pretalx installed, migrated, built and filled with `size` submissions: (its environment, the list's path)."""
    venv = work / "pretalx-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        _run("python3 -m venv", ["python3", "-m", "venv", str(venv)])
    _run(f"pip install {PRETALX}", [str(python), "-m", "pip", "install", "-q", PRETALX, "gunicorn", "psycopg2-binary"])
    if not shutil.which("npm"):
        raise PeerUnavailable("pretalx rebuild: npm is missing (its front-end is built with Node.js)")
    env = {**os.environ, "PRETALX_CONFIG_FILE": str(_config(work, admin_url, port)), "PRETALX_NO_INITIAL_LOG": "1"}
    recreate_database(admin_url, DATABASE)
    _run("pretalx migrate", [str(python), "-m", "pretalx", "migrate", "--noinput"], env=env, cwd=work)
    _run("pretalx rebuild", [str(python), "-m", "pretalx", "rebuild"], env=env, cwd=work)
    path = _run("pretalx data", [str(python), str(Path(__file__).with_name("pretalx_data.py")), str(size), EMAIL, PASSWORD],
                env=env, cwd=work).strip().splitlines()[-1]
    return env, path


def sessions(port: int, path: str, count: int) -> list[str]:
    """`count` organiser sessions, each logged in through pretalx's own login form."""
    base = f"http://127.0.0.1:{port}"
    cookies = []
    for _ in range(count):
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(base + "/orga/login/", timeout=60).read().decode()
        token = re.search(r'name="?csrfmiddlewaretoken"?\s+type="?hidden"?\s+value="?([^" >]+)', page)
        if token is None:
            raise PeerUnavailable("pretalx login: no CSRF token on /orga/login/")
        form = {"csrfmiddlewaretoken": token.group(1), "login_email": EMAIL, "login_password": PASSWORD}
        # Plain http on loopback, the URL built here.
        login = urllib.request.Request(  # noqa: S310
            base + "/orga/login/", data=urllib.parse.urlencode(form).encode(), headers={"Referer": base + "/orga/login/"}
        )
        opener.open(login, timeout=60)
        response = opener.open(base + path, timeout=120)
        if "/orga/login" in response.geturl():
            raise PeerUnavailable("pretalx login: the organiser was sent back to the login page")
        cookies += [c.value for c in jar if c.name == "pretalx_session"]
    return cookies
