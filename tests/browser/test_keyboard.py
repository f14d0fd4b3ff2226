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

# What has the focus now, where it is and how its focus shows: a solid outline of at least 2 px, or an opaque
# box-shadow ring at least 2 px wide.
FOCUSED = """(form) => {
  const el = document.activeElement;
  const box = el.getBoundingClientRect();
  const bar = document.querySelector(".save-bar");
  const barBox = bar && !bar.contains(el) ? bar.getBoundingClientRect() : null;
  const style = getComputedStyle(el);
  const overlaps = barBox && box.bottom > barBox.top && box.top < barBox.bottom
    && box.right > barBox.left && box.left < barBox.right;
  const outlined = style.outlineStyle === "solid" && parseFloat(style.outlineWidth) >= 2;
  const shadowRing = style.boxShadow !== "none" && style.boxShadow.split(/,(?![^(]*\\))/).some(shadow => {
    const colour = shadow.match(/rgba?\\(([^)]*)\\)/);
    const alpha = colour && colour[1].split(",").length === 4 ? parseFloat(colour[1].split(",")[3]) : 1;
    const lengths = shadow.replace(/rgba?\\([^)]*\\)/, "").trim().split(/\\s+/).map(parseFloat);
    return !shadow.includes("inset") && alpha === 1 && lengths.length === 4 && lengths[3] >= 2;
  });
  const header = el.closest(".portal-header");
  return {
    key: el.type === "radio" ? "radio:" + el.name : el.id || el.name || el.outerHTML.slice(0, 120),
    text: (el.innerText || el.value || "").trim().slice(0, 30),
    inForm: Boolean(el.closest(form)),
    place: el.matches(".skip-link") ? "skip" : header ? "header" : "page",
    outline: `${style.outlineWidth} ${style.outlineStyle} ${style.outlineColor}`,
    on: header ? getComputedStyle(header).backgroundColor : "",
    inWindow: box.top >= 0 && box.left >= 0 && box.bottom <= window.innerHeight && box.right <= window.innerWidth,
    underBar: Boolean(overlaps),
    // The calendar button inside a date box is a Tab stop of its own, drawn by Chromium: portal.css gives it the ring
    // (a style getComputedStyle cannot read); the box itself is then not :focus.
    ring: (el.type === "date" && !el.matches(":focus")) || outlined || shadowRing,
  };
}"""

# The header's ring: white on the red header (#b3181d); the skip link's: the portal's dark blue (static/css/portal.css).
HEADER_RING, HEADER_RED = "3px solid rgb(255, 255, 255)", "rgb(179, 24, 29)"
SKIP_RING = "3px solid rgb(11, 61, 145)"


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
    """Tab from the top of the page until the focus has left the form; returns the form's controls and what each
    Tab stop showed (the skip link, the header and the page before the form included)."""
    expected = page.evaluate(EXPECTED, form)
    stops, entered = [], False
    for _ in range(len(expected) + 60):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED, form)
        if entered and not stop["inForm"]:
            break
        entered = entered or stop["inForm"]
        stops.append(stop)
    return expected, stops


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
        expected, stops = tab_through(page, form)
    finally:
        context.close()
    in_form = [stop for stop in stops if stop["inForm"]]
    print(f"{path} at {viewport['width']}×{viewport['height']}: {len(in_form)} Tab stops in the form, {len(stops)} from the top")
    assert (stops[0]["text"], stops[0]["place"], stops[0]["outline"]) == ("跳到主要内容", "skip", SKIP_RING)
    header = [stop for stop in stops if stop["place"] == "header"]
    assert header and [(s["text"], s["outline"], s["on"]) for s in header if (s["outline"], s["on"]) != (HEADER_RING, HEADER_RED)] == []
    reached = {stop["key"] for stop in in_form}
    assert [key for key in expected if key not in reached] == []
    hidden = [s for s in stops if s["underBar"] or not s["inWindow"]]
    assert hidden == [], f"{len(hidden)} of {len(stops)} Tab stops hidden under the save bar or outside the window: {hidden}"
    unmarked = [s for s in stops if not s["ring"]]
    assert unmarked == [], f"focus not visible on {unmarked}"
