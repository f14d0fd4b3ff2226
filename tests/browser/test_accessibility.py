"""Accessibility (WCAG 2.1 AA, GB/T 37668-2019) on every page each role reaches, on the demo data.

axe-core (tests/browser/package.json, installed by `make test`) is injected into the test browser only: the
contexts bypass the portal's CSP, the pages themselves carry no script of it. Each page is checked with the tags
wcag2a, wcag2aa, wcag21a and wcag21aa (a critical or serious violation fails), for one h1 and no skipped heading
level, a red border on every field marked aria-invalid, and at 390 px for sideways scrolling. Forms are also checked
after a failed submit; the pages met on the way are too: the second factor's enrolment, recovery codes and code,
the locked account, and the 403, 404, 429 and 500 pages.
"""

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.test import RequestFactory
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views.defaults import server_error
from django_otp.plugins.otp_totp.models import TOTPDevice

from applications.models import Application
from portal.accounts.models import User
from portal.accounts.rate_limits import REGISTRATION
from portal.accounts.validators import DEMO_PASSWORD
from portal.directory.models import Campaign
from review.models import Certificate, Meeting, Publicity, ReviewRecord, SpotCheckDraw
from tests.browser.conftest import SCREENSHOTS
from tests.security.conftest import current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_JS = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"critical", "serious"}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


# --- Where the pages are: demo objects by the enterprise account that owns them ---------------------------------


def application(username):
    """The enterprise's application in the demo's open campaign (some also hold titles from earlier years)."""
    return Application.objects.get(enterprise__users__username=username, campaign__state="open")


def app_url(path):
    """`app_url("/enterprise/applications/{}/form/")("ent-131125-1")` → the path for that enterprise's application."""
    return lambda username: lambda: path.format(application(username).pk)


ent_app = app_url("/enterprise/applications/{}/")
ent_form = app_url("/enterprise/applications/{}/form/")
review_app = app_url("/review/applications/{}/")
verification = app_url("/review/applications/{}/verification/")


def first_pk(model, path):
    return lambda: path.format(model.objects.order_by("pk").values_list("pk", flat=True).first())


def certificate_page():
    return f"/verify/{Certificate.objects.order_by('pk').first().token}"


def signed_document_page():
    return f"/verify/document/{ReviewRecord.objects.order_by('pk').first().data_sha256}"


def cluster_of(username):
    return lambda: f"/admin/directory/cluster/{application(username).cluster_id}/change/"


def division_of(username):
    return lambda: f"/admin/directory/division/{application(username).enterprise.county_id}/change/"


def user_change(username):
    return lambda: f"/admin/accounts/user/{User.objects.get(username=username).pk}/change/"


def running_objection_form():
    running = next(p for p in Publicity.objects.order_by("pk") if p.is_running())
    return f"/public/publicity/{running.pk}/objection/"


def reset_link(username):
    """The link of the 找回密码 mail (it leads on to the form for the new password)."""

    def path():
        user = User.objects.get(username=username)
        return f"/accounts/password/reset/{urlsafe_base64_encode(force_bytes(user.pk))}/{default_token_generator.make_token(user)}/"

    return path


# --- Forms sent with errors: what the person does on the page before it is checked ------------------------------


def wrong_password(page):
    page.fill("#id_username", "ent-131125-1")
    page.fill("#id_password", "not-the-password")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def empty_submit(button):
    def act(page):
        page.locator(button).first.click()
        page.wait_for_load_state()

    act.__name__ = "empty_submit"
    return act


def bad_figures_and_rows(page):
    """An impossible equity, a honour without its kind, a partner with a bad credit code."""
    page.fill("#id_owners_equity", "999999")
    page.fill("#id_total_assets", "1")
    page.locator("[data-formset=honours] tbody tr").last.locator("input[name$='-name']").fill("省级名牌产品")
    page.locator("[data-formset=partners] tbody tr").last.locator("input[name$='-name']").fill("某配套企业")
    page.locator("[data-formset=partners] tbody tr").last.locator("input[name$='-credit_code']").fill("123")
    page.click(".save-bar button[type=submit]")
    page.wait_for_load_state()
    # The row's field is marked invalid: check_page then sees its red border (INVALID_NOT_RED).
    assert page.locator("[data-formset=partners] input[name$='-credit_code'][aria-invalid=true]").count() == 1


def negative_revenue(page):
    page.fill("#id_revenue", "-5")
    page.click("main form button[type=submit]:has-text('保存核实情况证明')")
    page.wait_for_load_state()


def locked_out(page):
    """Wrong passwords for one account until it is locked (the 图形验证码 answered once the address has failed
    three times)."""
    for _ in range(5):
        if not page.locator("#id_username").count():
            break
        page.fill("#id_username", "ent-131125-3")
        page.fill("#id_password", "not-the-password")
        if page.locator("#id_captcha_1").count():
            page.fill("#id_captcha_1", "PASSED")
        page.click("main form button[type=submit]")
        page.wait_for_load_state()


def over_the_rate_limit(page):
    """The registration form sent again and again from one address, until the 429 page answers."""
    for _ in range(REGISTRATION.limit + 1):
        if not page.locator("main form").count():
            break
        page.click("main form button[type=submit]")
        page.wait_for_load_state()


def server_error_page(page):
    """The 500 page as Django's handler renders it, shown at the portal's address so its style sheets load (no URL
    of the portal fails on purpose)."""
    page.set_content(server_error(RequestFactory().get("/")).content.decode())


def enrol_authenticator(page):
    """The code the authenticator shows for the device the enrolment page made: the recovery codes follow."""
    device = TOTPDevice.objects.get(user__username=page.username, confirmed=False)
    page.fill("#id_token", current_code(device))
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def sign_in_again(page):
    """Out and back in with the password: the second factor is asked again, now of the enrolled device."""
    page.click("form[action$='/logout/'] button[type=submit]")
    page.wait_for_load_state()
    sign_in(page, page.username)


@dataclass(frozen=True)
class Check:
    """One page to check: a path (or a callable giving it from the demo data), optionally after what the person does
    there (`then`: by default a failed submit)."""

    path: str | Callable[[], str]
    then: Callable | None = None
    status: int = 200
    then_fails: bool = True  # `then` is a failed submit: the page must say so (title, focus)

    def url(self):
        return self.path() if callable(self.path) else self.path


# Each role's pages: its navigation is added at run time, so a new menu item is checked without an edit here.
ROLE_PAGES = {
    "anonymous": (None, [
        Check("/"),
        Check("/guide/"),
        Check("/guide/notice/"),
        Check("/accounts/login/"),
        Check("/accounts/login/", then=wrong_password),
        Check("/enterprise/register/"),
        Check("/enterprise/register/", then=empty_submit("main form button[type=submit]")),
        Check("/accounts/password/reset/"),
        Check("/accounts/password/reset/", then=empty_submit("main form button[type=submit]")),
        Check("/accounts/password/reset/sent/"),
        Check(reset_link("ent-131125-1")),
        Check(reset_link("ent-131125-1"), then=empty_submit("main form button[type=submit]")),
        Check("/accounts/password/reset/done/"),
        Check("/public/awarded/"),
        Check("/public/publicity/"),
        Check(running_objection_form),
        Check(running_objection_form, then=empty_submit("main form button[type=submit]")),
        Check(certificate_page),
        Check(signed_document_page),
        Check("/verify/" + "x" * 32, status=404),
        Check("/no-such-page/", status=404),
        Check("/", then=server_error_page, then_fails=False),
        Check("/enterprise/register/", then=over_the_rate_limit, then_fails=False),  # 429
        Check("/accounts/login/", then=locked_out, then_fails=False),  # the account locked (last: it stays so)
    ]),
    "enterprise": ("ent-131125-1", [  # 草稿
        Check("/enterprise/"),
        Check(ent_app("ent-131125-1")),
        Check(app_url("/enterprise/applications/{}/report/")("ent-131125-1")),
        Check(ent_form("ent-131125-1")),
        Check(ent_form("ent-131125-1"), then=bad_figures_and_rows),
        Check(app_url("/enterprise/applications/{}/materials/")("ent-131125-1")),
        Check(app_url("/enterprise/applications/{}/submit/")("ent-131125-1")),
        Check("/review/notifications/"),
        Check("/accounts/password/"),
        Check("/accounts/password/", then=empty_submit("main form button[type=submit]")),
        Check("/review/county/", status=403),
    ]),
    "enterprise-returned": ("ent-131125-2", [
        Check("/enterprise/"),
        Check(ent_app("ent-131125-2")),
        Check(app_url("/enterprise/applications/{}/report/")("ent-131125-2")),
        Check(ent_form("ent-131125-2")),
        Check(app_url("/enterprise/applications/{}/materials/")("ent-131125-2")),
    ]),
    "enterprise-awarded": ("ent-130534-3", [Check("/enterprise/"), Check(ent_app("ent-130534-3"))]),
    "county": ("county-131125", [
        Check("/review/county/"),
        Check("/review/county/queue/"),
        Check(review_app("ent-131125-4")),
        Check(review_app("ent-131125-2")),
        Check(verification("ent-131125-4")),
        Check(verification("ent-131125-4"), then=negative_revenue),
        Check(verification("ent-131125-3")),
        Check("/review/notifications/"),
    ]),
    "city": ("city-131100", [
        Check("/review/city/"),
        Check("/review/city/clusters/"),
        Check(review_app("ent-131125-3")),
        Check(review_app("ent-131125-5")),
        Check("/review/notifications/"),
        Check("/documents/letters/recommendation/"),
    ]),
    "province": ("province", [
        Check("/review/province/"),
        Check("/review/province/applications/"),
        Check("/review/province/spot-checks/"),
        Check(first_pk(SpotCheckDraw, "/review/province/spot-checks/{}/")),
        Check("/review/province/meetings/"),
        Check(first_pk(Meeting, "/review/province/meetings/{}/")),
        Check("/review/province/deadlines/"),
        Check("/review/province/deadlines/", then=empty_submit("main form button[type=submit]")),
        Check("/documents/certificates/"),
        Check(review_app("ent-131125-5")),
        Check(review_app("ent-130534-3")),
        Check(review_app("ent-130534-5")),
        Check("/review/notifications/"),
        Check("/review/province/publicity/"),
        Check(first_pk(Publicity, "/review/province/publicity/{}/")),
        Check("/review/province/certificates/"),
        Check("/documents/letters/announcement/"),
        Check("/documents/letters/revocation/"),
        Check("/documents/letters/revocation/", then=empty_submit("main form button[type=submit]")),
        Check(first_pk(Certificate, "/review/province/certificates/{}/")),
        Check("/review/province/monitoring/"),
        Check("/review/province/dashboard/"),
    ]),
    "sysadmin": ("admin", [
        Check("/accounts/workbench/"),
        Check("/admin/"),
        Check("/admin/accounts/user/"),
        Check("/admin/accounts/user/add/"),
        Check("/admin/accounts/user/add/", then=empty_submit("input[name=_save]")),
        Check(user_change("county-131125")),
        Check("/admin/otp_totp/totpdevice/"),
        Check("/admin/otp_static/staticdevice/"),
        Check("/admin/django_tasks_database/dbtaskresult/"),
        Check("/admin/axes/accessattempt/"),
        Check("/admin/axes/accesslog/"),
        Check("/admin/auth/group/"),
        Check("/admin/directory/division/"),
        Check(division_of("ent-131125-1")),
        Check("/admin/directory/cluster/"),
        Check(cluster_of("ent-131125-1")),
        Check("/admin/directory/cluster/import/"),
        Check("/admin/directory/campaign/"),
        Check("/admin/directory/campaign/add/"),
        Check("/admin/directory/campaign/add/", then=empty_submit("input[name=_save]")),
        Check(first_pk(Campaign, "/admin/directory/campaign/{}/change/")),
    ]),
    "auditor": ("auditor", [Check("/audit/")]),
    # An official's first sign-in with the second factor on: enrolment, its recovery codes, then the code asked.
    "second-factor": ("county-130534", [
        Check("/accounts/two-factor/enrol/"),
        Check("/accounts/two-factor/enrol/", then=empty_submit("main form button[type=submit]")),
        Check("/accounts/two-factor/enrol/", then=enrol_authenticator, then_fails=False),
        Check("/accounts/two-factor/", then=sign_in_again, then_fails=False),
        Check("/accounts/two-factor/", then=empty_submit("main form button[type=submit]")),
    ]),
}


# --- The checks ---------------------------------------------------------------------------------------------------

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  const why = node => [...node.any, ...node.all, ...node.none].map(check => check.message)[0] || "";
  return result.violations.map(v => ({
    rule: v.id, impact: v.impact, why: why(v.nodes[0]), targets: v.nodes.map(n => n.target.join(" ")),
  }));
}"""

HEADINGS = """() => [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].map(h => Number(h.tagName[1]))"""

SIDEWAYS = """() => document.documentElement.scrollWidth - document.documentElement.clientWidth"""
# Two animation frames: the browser has run the resize steps (the charts' `resize` handlers) and laid the page out at
# the new width before SIDEWAYS measures it.
RESIZED = """() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"""

# Every id an aria-describedby / aria-labelledby / aria-controls / label[for] names exists on the page.
MISSING_IDS = """() => [...document.querySelectorAll("[aria-describedby], [aria-labelledby], [aria-controls], label[for]")]
  .flatMap(el => ["aria-describedby", "aria-labelledby", "aria-controls", "for"]
    .flatMap(name => (el.getAttribute(name) || "").split(/\\s+/).filter(Boolean).map(id => [name, id])))
  .filter(([, id]) => !document.getElementById(id)).map(([name, id]) => `${name}="${id}"`)"""

# Every field marked aria-invalid shows it in red (static/css/portal.css; the admin's own .errors style there).
INVALID_NOT_RED = """() => [...document.querySelectorAll("[aria-invalid=true]")].filter(el => el.getClientRects().length)
  .filter(el => {
    const style = getComputedStyle(el);
    const [r, g, b] = style.borderTopColor.match(/[\\d.]+/g).map(Number);
    return !(parseFloat(style.borderTopWidth) >= 1 && r >= 150 && r > 2 * g && r > 2 * b);
  }).map(el => el.id || el.name)"""

# After a failed submit: the title says so and the focus is on what lists the errors.
AFTER_FAILURE = """() => ({
  title: document.title,
  focus: document.activeElement.matches(".error-summary, [data-error-focus]") || document.activeElement.outerHTML.slice(0, 80),
})"""

NAV_LINKS = """() => [...document.querySelectorAll("#mainnav a.nav-link")].map(a => new URL(a.href).pathname)"""


def heading_problems(levels):
    problems = []
    if levels.count(1) != 1:
        problems.append(f"应有且只有一个 h1，实际 {levels.count(1)} 个")
    previous = 0
    for level in levels:
        if level > previous + 1:
            problems.append(f"标题层级跳级：h{previous} 之后是 h{level}" if previous else f"第一个标题是 h{level}")
        previous = level
    return problems


def failure_report_problems(page):
    after = page.evaluate(AFTER_FAILURE)
    problems = []
    if not after["title"].startswith("错误：") or after["title"].startswith("错误：错误："):
        problems.append(f"提交失败后标题应以一个「错误：」开头（{after['title']}）")
    if after["focus"] is not True:
        problems.append(f"提交失败后焦点不在错误提示上（{after['focus']}）")
    return problems


def check_page(page, label, screenshots):
    problems = []
    page.add_script_tag(path=str(AXE_JS))
    for violation in page.evaluate(RUN_AXE, AXE_TAGS):
        if violation["impact"] in FAILING_IMPACTS:
            targets = ", ".join(violation["targets"][:8]) + (" …" if len(violation["targets"]) > 8 else "")
            problems.append(f"axe {violation['rule']} ({violation['impact']}): {targets} — {violation['why']}")
    problems += heading_problems(page.evaluate(HEADINGS))
    problems += [f"引用了不存在的 id：{reference}" for reference in page.evaluate(MISSING_IDS)]
    problems += [f"标为有误的字段没有红色边框：{field}" for field in page.evaluate(INVALID_NOT_RED)]
    if screenshots:
        page.screenshot(path=str(screenshots / f"{label}-1280.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.evaluate(RESIZED)
    overflow = page.evaluate(SIDEWAYS)
    if overflow > 0:
        problems.append(f"390 px 宽时页面横向滚动 {overflow} px")
    if screenshots:
        page.screenshot(path=str(screenshots / f"{label}-390.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    return problems


def sign_in(page, username):
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.locator("#nav-notifications").wait_for()


def role_context(browser, base_url, username):
    """One browser per role, signed in once through the login form; it bypasses CSP only to take axe in."""
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url, page.username = base_url, username
    if username:
        sign_in(page, username)
    return context, page


@pytest.fixture
def demo_data():
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.mark.parametrize("role", ROLE_PAGES)
def test_pages_of_role_meet_wcag_21_aa(role, browser, live_server, demo_data, settings):
    if not AXE_JS.exists():
        pytest.fail("找不到 axe-core：请运行 npm ci --prefix tests/browser（make test 会自动安装）")
    settings.TWO_FACTOR_ENFORCED = role == "second-factor"  # off in the test settings, so the others go straight in
    username, checks = ROLE_PAGES[role]
    screenshots = None
    if os.environ.get("A11Y_SCREENSHOTS"):
        screenshots = SCREENSHOTS / "a11y"
        screenshots.mkdir(parents=True, exist_ok=True)
    context, page = role_context(browser, live_server.url, username)
    try:
        listed = {check.url() for check in checks if check.then is None}
        menu = [Check(path) for path in dict.fromkeys(page.evaluate(NAV_LINKS)) if path not in listed] if username else []
        failures = []
        for number, check in enumerate([*checks, *menu], start=1):
            url = check.url()
            label = f"{role}-{number:02d}"
            response = page.goto(live_server.url + url)
            assert response.status == check.status, f"{url}: HTTP {response.status}"
            problems = []
            if check.then:
                check.then(page)
                url += f"（{check.then.__name__}）"
                if check.then_fails and not url.startswith("/admin/"):  # the admin keeps its own error display
                    problems += failure_report_problems(page)
            problems += check_page(page, label, screenshots)
            failures += [f"{url}: {problem}" for problem in problems]
        print(f"{role}: {len(checks) + len(menu)} pages checked")
    finally:
        context.close()
    assert not failures, f"{role} ({username or '未登录'})：\n" + "\n".join(failures)
