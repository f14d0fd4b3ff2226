"""Keyboard only: Tab reaches every control of the 推荐审核表 and of the county's 核实情况证明, each with a visible focus
ring and never hidden under the sticky save bar or outside the window (WCAG 2.1.1, 2.4.3, 2.4.7)."""

import pytest

from tests.browser.test_accessibility import DEMO_PASSWORD, application, demo_data  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTROLS = "input:not([type=hidden]), select, textarea, button, a[href]"

# The controls of the form: a radio group is one Tab stop.
EXPECTED = """(form) => {
  const seen = new Set();
  return [...document.querySelector(form).querySelectorAll(arguments_controls)]
    .filter(el => !el.closest("template") && !el.disabled && el.getClientRects().length)
    .map(el => el.type === "radio" ? "radio:" + el.name : el.id || el.name || el.outerHTML.slice(0, 120))
    .filter(key => !seen.has(key) && seen.add(key));
}""".replace("arguments_controls", repr(CONTROLS))

# What has the focus now, where it is and whether its focus shows.
FOCUSED = """(form) => {
  const el = document.activeElement;
  const box = el.getBoundingClientRect();
  const bar = document.querySelector(".save-bar");
  const barBox = bar && !bar.contains(el) ? bar.getBoundingClientRect() : null;
  const style = getComputedStyle(el);
  const overlaps = barBox && box.bottom > barBox.top && box.top < barBox.bottom
    && box.right > barBox.left && box.left < barBox.right;
  return {
    key: el.type === "radio" ? "radio:" + el.name : el.id || el.name || el.outerHTML.slice(0, 120),
    text: (el.innerText || el.value || "").trim().slice(0, 30),
    inForm: Boolean(el.closest(form)),
    inWindow: box.top >= 0 && box.left >= 0 && box.bottom <= window.innerHeight && box.right <= window.innerWidth,
    underBar: Boolean(overlaps),
    // The calendar button inside a date box is a Tab stop of its own, drawn by Chromium: portal.css gives it the ring
    // (a style getComputedStyle cannot read); the box itself is then not :focus.
    ring: (el.type === "date" && !el.matches(":focus")) || (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== "none",
  };
}"""


def sign_in(browser, base_url, username, viewport):
    # Reduced motion: Bootstrap's smooth scrolling ends where an instant one does, the check need not wait for it.
    context = browser.new_context(locale="zh-CN", viewport=viewport, reduced_motion="reduce")
    page = context.new_page()
    page.goto(base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.locator("#nav-notifications").wait_for(state="attached")
    return context, page


def tab_through(page, form):
    """Tab from the top of the page until the focus has left the form; returns what each Tab stop showed."""
    expected = page.evaluate(EXPECTED, form)
    page.keyboard.press("Tab")
    first = page.evaluate("() => document.activeElement.textContent.trim()")
    stops, entered = [], False
    for _ in range(len(expected) + 60):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED, form)
        if stop["inForm"]:
            entered = True
            stops.append(stop)
        elif entered:
            break
    return first, expected, stops


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 683, "height": 384}], ids=["1280x900", "683x384"])
@pytest.mark.parametrize(
    ("username", "owner", "path", "form"),
    [
        ("ent-131125-1", "ent-131125-1", "/enterprise/applications/{}/form/", "#application-form"),
        ("county-131125", "ent-131125-4", "/review/applications/{}/verification/", "main form.once-form"),
    ],
    ids=["推荐审核表", "核实情况证明"],
)
def test_keyboard_reaches_every_control_with_visible_focus(browser, live_server, demo_data, username, owner, path, form, viewport):  # noqa: F811
    context, page = sign_in(browser, live_server.url, username, viewport)
    try:
        page.goto(live_server.url + path.format(application(owner).pk))
        first, expected, stops = tab_through(page, form)
    finally:
        context.close()
    assert first == "跳到主要内容"
    reached = {stop["key"] for stop in stops}
    assert [key for key in expected if key not in reached] == []
    hidden = [s for s in stops if s["underBar"] or not s["inWindow"]]
    assert hidden == [], f"{len(hidden)} of {len(stops)} Tab stops hidden under the save bar or outside the window: {hidden}"
    unmarked = [s for s in stops if not s["ring"]]
    assert unmarked == [], f"focus not visible on {unmarked}"
