"""The real browser (headless Debian Chromium through Playwright): log in with
password + TOTP, open an intake, acknowledge it, reveal the contact, and find
both in the audit log. No browser download: /usr/bin/chromium only."""

import shutil

import pyotp
import pytest

from tests.portal import helpers

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing (apt-get install -y chromium; make test installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_login_acknowledge_reveal_and_audit(server, browser):
    body = helpers.intake(urgent=True, contact={"method": "phone", "value": "+371 20001234", "best_time": "evening"})
    assert helpers.send(server.base_url, body).status_code == 201
    account = helpers.add_user(server, "marta", "admin", language="en")
    reference = body["reference"]

    page = browser.new_page(locale="lv-LV")  # Accept-Language: lv, so the login page speaks Latvian
    page.set_default_timeout(15000)
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(server.base_url + "/portal/intakes")
    assert page.url.endswith("/portal/login")
    page.get_by_label("E-pasts").fill(account.email)
    page.get_by_label("Parole").fill(account.password)
    page.get_by_role("button", name="Turpināt").click()
    page.wait_for_url("**/portal/login/totp")
    page.get_by_label("Code").fill(pyotp.TOTP(account.totp_secret).now())
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/portal/intakes")

    page.get_by_role("link", name=reference).click()
    page.wait_for_url(f"**/portal/intakes/{reference}")
    assert page.locator("#current-status").inner_text() == "New"
    assert page.get_by_text("Identity documents withheld").is_visible()
    assert page.get_by_text("+371 20001234").count() == 0

    page.get_by_role("button", name="Acknowledge").click()
    page.wait_for_load_state()
    assert page.locator("#current-status").inner_text() == "Acknowledged"

    page.get_by_role("button", name="Reveal contact details").click()
    page.wait_for_load_state()
    assert page.locator(".contact-value").inner_text() == "+371 20001234"

    page.get_by_role("link", name="Audit log").click()
    page.wait_for_url("**/portal/audit")
    rows = page.locator("tr", has_text=reference)
    actions = rows.locator("td:nth-child(3)").all_inner_texts()
    assert "changed status" in actions and "revealed contact details" in actions
    assert account.email in rows.first.inner_text()
    assert not [e for e in errors if "Content Security Policy" in e], errors
    page.close()
