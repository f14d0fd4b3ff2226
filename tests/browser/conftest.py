"""Real-browser tests: Playwright drives Debian's Chromium against pytest-django's live server."""

import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread


class OneRequestAtATime(ThreadedWSGIServer):
    """The live server, each request served whole before the next (connections keep their threads). A page, its PDF
    and a download reach it together; on SQLite its threads share the test's one in-memory connection and would
    break each other's savepoints."""

    def set_app(self, application):
        lock = threading.Lock()

        def serialised(environ, start_response):
            with lock:
                response = application(environ, start_response)
                try:
                    return list(response)
                finally:
                    if hasattr(response, "close"):
                        response.close()

        super().set_app(serialised)


LiveServerThread.server_class = OneRequestAtATime

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM_CANDIDATES = ["/usr/lib/chromium/chromium", "/usr/bin/chromium"]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=zh-CN",  # native controls (file inputs, date pickers) in Chinese where chromium-l10n is installed
]


def chromium_path():
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        pytest.fail("找不到 Chromium：请先运行 scripts/install-system-deps.sh --browser")
    home = tmp_path_factory.mktemp("chromium-home")
    os.environ["HOME"] = str(home)  # Chromium writes under $HOME
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def open_as(browser, live_server):
    """`open_as(username)`: a page in a browser of its own (each person has theirs), logged in through the form;
    `bypass_csp=True` lets axe-core in (the test browser only)."""
    from tests.factories import PASSWORD

    contexts = []

    def log_in(username, password=PASSWORD, *, bypass_csp=False):
        context = browser.new_context(
            locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True, bypass_csp=bypass_csp
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.base_url = live_server.url
        page.goto(live_server.url + "/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("form button[type=submit]:has-text('登录')")
        page.locator("#nav-notifications").wait_for()  # the signed-in navigation bar
        return page

    yield log_in
    for context in contexts:
        context.close()


def accept_dialogs(page):
    """Answer 确定 to every confirm() the page asks (Playwright would dismiss them); returns the questions asked."""
    asked = []

    def accept(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    return asked


def download(page, click, target_dir):
    """Click what starts a download and save the file under its suggested name; returns the path."""
    with page.expect_download() as started:
        click()
    path = Path(target_dir) / started.value.suggested_filename
    started.value.save_as(path)
    return path


def pdf_text(path):
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def qr_codes(pdf_path, page=1):
    """The QR codes printed on a PDF page, as a phone would read them (rendered at 150 dpi, decoded by zbarimg)."""
    prefix = Path(pdf_path).with_suffix("")
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", str(page), "-l", str(page), "-singlefile", str(pdf_path), str(prefix)],
        check=True,
    )
    result = subprocess.run(["zbarimg", "--quiet", "--raw", f"{prefix}.png"], capture_output=True, text=True, check=False)
    return [line for line in result.stdout.splitlines() if line]
