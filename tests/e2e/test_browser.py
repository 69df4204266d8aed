"""The real widget in Debian's Chromium, driven by Playwright (never a downloaded browser)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect as see

from tests.support import expect
from tests.support.browser import chromium_page
from tests.support.languages import native_names, phrases

HOTLINE_QUESTION = phrases("hotline_question")  # asked in the person's own words, how they type it
MENU = {"ur": "مینو"}  # "menu", a show_menu example of bot/data/nlu/ur/basics.yml


@pytest.fixture()
def page():
    with chromium_page() as page:
        yield page


def test_widget_in_russian_contacts_and_quick_exit(servers, neutral_site, page):
    page.goto(f"{servers.chat_url}?lang=ru&src=qr-test")
    see(page.locator("html")).to_have_attribute("lang", "ru")
    see(page.locator("#quick-exit")).to_have_text(expect.phrase("ru", "web", "Quick exit"))
    see(page.locator("#messages")).to_have_attribute("role", "log")
    see(page.locator("#messages")).to_have_attribute("aria-live", "polite")
    label = expect.phrase("ru", "web", "Conversation with Palīgs")
    see(page.locator("#messages")).to_have_attribute("aria-label", label)
    see(page.locator(".msg.bot").first).to_contain_text(expect.text("utter_greet", "ru")[:40], timeout=60_000)

    contacts = expect.button_titles("utter_menu", "ru")[2]
    page.locator(".msg .buttons button", has_text=contacts).last.click()
    see(page.locator(".msg.user").last).to_contain_text(contacts)
    see(page.locator(".msg.bot", has_text="+371 67378539")).to_have_count(1, timeout=60_000)
    see(page.locator('a[href="tel:+37128612120"]').first).to_be_visible()

    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert page.evaluate("document.cookie") == ""
    assert page.context.cookies() == []

    page.keyboard.press("Escape")
    page.wait_for_url(neutral_site)
    assert "Riga: cloudy" in page.content()
    page.go_back()
    assert "/chat" not in page.url
    # Nothing left on the device for the chat's origin: no cookies, no local storage.
    assert page.context.storage_state() == {"cookies": [], "origins": []}
    page.goto(f"{servers.rasa_url}/")
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0


def test_typing_a_message_and_the_quick_exit_button(servers, neutral_site, page):
    page.goto(f"{servers.chat_url}?lang=en")
    see(page.locator(".msg.bot").first).to_contain_text(expect.text("utter_greet", "en")[:40], timeout=60_000)
    page.fill("#input", "what is the hotline number")
    page.keyboard.press("Enter")
    see(page.locator(".msg.bot", has_text="+371 67898343")).to_have_count(1, timeout=60_000)
    page.click("#quick-exit")
    page.wait_for_url(neutral_site)


def test_chat_page_headers_and_budget(servers):
    import gzip

    import requests

    page = requests.get(f"{servers.chat_url}?lang=lv", timeout=30)
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["Referrer-Policy"] == "no-referrer"
    total = len(gzip.compress(page.content))
    for name in ("chat.js", "chat.css", "socket.io.min.js"):
        asset = requests.get(f"{servers.chat_url}/static/{name}", timeout=30)
        assert asset.status_code == 200
        total += len(gzip.compress(asset.content))
    assert total <= 60 * 1024
    assert requests.get(f"{servers.chat_url}/static/..%2Fpage.py", timeout=30).status_code == 404
    strings = requests.get(f"{servers.chat_url}/strings.json?lang=ru", timeout=30).json()
    assert strings["send"] == expect.phrase("ru", "web", "Send")


def test_a_whole_self_check_in_the_widget(servers, page):
    """Latvian, by tapping buttons only: consent, age, place, sector, every question, the result."""
    from bot.screening.indicators import indicator_set

    lang = "lv"
    page.goto(f"{servers.chat_url}?lang={lang}")
    see(page.locator(".msg.bot").first).to_contain_text(expect.text("utter_greet", lang)[:40], timeout=60_000)

    def tap(title):
        page.locator(".msg .buttons button:not([disabled])", has_text=title).last.click()

    tap(expect.button_titles("utter_menu", lang)[0])
    consent = expect.text("utter_ask_screening_consent", lang)[:40]
    see(page.locator(".msg.bot").last).to_contain_text(consent, timeout=60_000)
    tap(expect.button_titles("utter_ask_screening_consent", lang)[0])
    see(page.locator(".msg.bot").last).to_contain_text(expect.text("utter_ask_age_group", lang), timeout=60_000)
    tap(expect.button_titles("utter_ask_age_group", lang)[0])
    see(page.locator(".msg.bot").last).to_contain_text(expect.text("utter_ask_location", lang), timeout=60_000)
    tap(expect.button_titles("utter_ask_location", lang)[0])
    see(page.locator(".msg.bot").last).to_contain_text(expect.text("utter_ask_sector", lang), timeout=60_000)
    tap(expect.button_titles("utter_ask_sector", lang)[0])  # construction

    questions = indicator_set().for_sector("construction")
    yes_title, no_title = expect.button_titles("utter_screening_question", lang)[:2]
    for position, indicator in enumerate(questions, start=1):
        asked = f"{position} / {len(questions)}. " + expect.phrase(lang, "indicator_question", indicator.question)
        see(page.locator(".msg.bot").last).to_contain_text(asked, timeout=60_000)
        tap(yes_title if indicator.id in ("excessive_hours", "passport_kept") else no_title)

    result = expect.text("utter_result_exploitation_signs", lang)
    see(page.locator(".msg.bot", has_text=result)).to_have_count(1, timeout=60_000)
    seen = page.locator(".msg.bot", has_text=expect.text("utter_result_seen", lang).split("{signs}")[0])
    see(seen).to_contain_text(expect.phrase(lang, "indicator_result", "Someone keeps your passport or ID."))
    see(page.locator(".msg.bot").last).to_contain_text(expect.text("utter_result_next", lang))
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0


def test_consent_and_a_reference_code_in_the_widget(servers, page):
    """English, by tapping: talk to a specialist, agree, either provider, no contact, send."""
    import re

    lang = "en"
    page.goto(f"{servers.chat_url}?lang={lang}")
    see(page.locator(".msg.bot").first).to_contain_text(expect.text("utter_greet", lang)[:40], timeout=60_000)

    def tap(title):  # the exact title: "Send" must not pick "Do not send"
        exactly = re.compile("^" + re.escape(title) + "$")
        page.locator(".msg .buttons button:not([disabled])", has_text=exactly).last.click()

    tap(expect.button_titles("utter_menu", lang)[3])  # Talk to a specialist
    consent = expect.text("utter_ask_consent_handoff", lang)[:40]
    see(page.locator(".msg.bot").last).to_contain_text(consent, timeout=60_000)
    tap(expect.button_titles("utter_ask_consent_handoff", lang)[0])
    see(page.locator(".msg.bot").last).to_contain_text(expect.text("utter_ask_provider", lang)[:30], timeout=60_000)
    tap(expect.button_titles("utter_ask_provider", lang)[2])
    contact_wanted = expect.text("utter_ask_contact_wanted", lang)[:30]
    see(page.locator(".msg.bot").last).to_contain_text(contact_wanted, timeout=60_000)
    tap(expect.button_titles("utter_ask_contact_wanted", lang)[1])
    see(page.locator(".msg.bot").last).to_contain_text("Centrs MARTA or Drošā māja", timeout=60_000)
    tap(expect.button_titles("utter_ask_handoff_confirmed", lang)[0])
    done = page.locator(".msg.bot", has_text="Your reference code is")
    see(done).to_have_count(1, timeout=60_000)
    assert re.search(r"\b[0-9A-HJKMNP-TV-Z]{4} [0-9A-HJKMNP-TV-Z]{4}\b", done.inner_text())
    see(page.locator('a[href="tel:+37128612120"]').last).to_be_visible()
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0


SCREENSHOTS = Path(__file__).resolve().parents[2] / "results" / "screenshots"


def box(locator):
    found = locator.bounding_box()
    assert found, "not rendered"
    return found


def test_urdu_reads_right_to_left_and_numbers_left_to_right(servers, page):
    """Urdu: the page, the bubbles and the quick exit mirrored; the hotline number keeps its
    order inside the right-to-left text and is a tap-to-call link; the language menu in two columns."""
    lang, width = "ur", 360
    page.goto(f"{servers.chat_url}?lang={lang}")
    see(page.locator("html")).to_have_attribute("dir", "rtl")
    see(page.locator("html")).to_have_attribute("lang", lang)
    greeting = page.locator(".msg.bot").first
    see(greeting).to_contain_text(expect.text("utter_greet", lang)[:30], timeout=60_000)
    # mirrored: the bot speaks from the right, the quick exit sits at the right end of the bar
    assert box(greeting)["x"] + box(greeting)["width"] > width - 30
    assert box(page.locator("#quick-exit"))["x"] > width / 2

    contacts = expect.button_titles("utter_menu", lang)[2]
    page.locator(".msg .buttons button", has_text=contacts).last.click()
    user = page.locator(".msg.user").last
    see(user).to_contain_text(contacts)
    assert box(user)["x"] < 30  # the person's own words on the left
    card = page.locator(".msg.bot", has_text="+371 67378539")
    see(card).to_have_count(1, timeout=60_000)
    call = card.locator('a[href="tel:+37167378539"]')
    see(call).to_have_text("+371 67378539")
    assert call.evaluate("a => getComputedStyle(a).direction") == "ltr"
    assert call.evaluate("a => getComputedStyle(a).unicodeBidi") == "isolate"
    page.locator(".msg.bot .text").last.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "widget-ur.png"))

    # the menu again (typed: its buttons were used), then "Language"
    page.fill("#input", MENU[lang])
    page.keyboard.press("Enter")
    language = expect.button_titles("utter_menu", lang)[6]
    page.locator(".msg .buttons button:not([disabled])", has_text=language).last.click(timeout=60_000)
    menu = page.locator(".buttons.languages").last
    see(menu.locator("button")).to_have_count(len(native_names()), timeout=60_000)
    assert len(menu.evaluate("g => getComputedStyle(g).gridTemplateColumns").split()) == 2
    see(menu.locator('button[lang="hi"]')).to_have_text("हिन्दी")
    menu.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "widget-ur-languages.png"))


def test_hindi_in_devanagari_answers_romanized_hindi(servers, page):
    """Hindi: Devanagari on the page, romanized Hindi understood, numbers as tap-to-call links."""
    lang = "hi"
    page.goto(f"{servers.chat_url}?lang={lang}")
    see(page.locator("html")).to_have_attribute("dir", "ltr")
    see(page.locator(".msg.bot").first).to_contain_text(expect.text("utter_greet", lang)[:30], timeout=60_000)
    family = page.locator(".msg.bot .text").first.evaluate("p => getComputedStyle(p).fontFamily")
    assert "Devanagari" in family
    assert page.evaluate("document.fonts.check('16px \"Noto Sans Devanagari\"', 'मदद')")
    page.fill("#input", HOTLINE_QUESTION[lang])
    page.keyboard.press("Enter")
    see(page.locator(".msg.bot", has_text="+371 67898343")).to_have_count(1, timeout=60_000)
    see(page.locator('a[href="tel:+37167898343"]').first).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "widget-hi.png"))
