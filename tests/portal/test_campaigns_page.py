"""The Campaigns page on SQLite and PostgreSQL: who may open it, the funnel pushed
through the API as a table, charts and CSV with small counts suppressed, the
filters, and the posters download (only files the index lists, from inside the folder)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os

import httpx
import pytest

from portal import funnel, funnel_report
from portal.vocabulary import FUNNEL_STEPS
from tests.portal import helpers

THIS_WEEK = funnel.iso_week(dt.date.today())
LAST_WEEK = funnel.iso_week(dt.date.today() - dt.timedelta(weeks=1))
OLD_WEEK = funnel.iso_week(dt.date.today() - dt.timedelta(weeks=20))
REGISTRY = """\
campaigns:
  - code: emb-tashkent
    name: Embassy in Tashkent
    languages: [uz, ru]
  - code: vdi-sites
    name: Labour inspections <b>on site</b>
    languages: [lv]
  - code: not a code
    name: skipped
"""
HEADER = ["campaign", "campaign_name", "language", *FUNNEL_STEPS, "total"]


@pytest.fixture(scope="module")
def site(backend, tmp_path_factory):
    """A server of its own: a fresh database (the page sums everything in it), a
    registry and a posters folder the tests write."""
    tmp = tmp_path_factory.mktemp(f"campaigns-{backend}")
    (tmp / "campaigns.yml").write_text(REGISTRY, encoding="utf-8")
    (tmp / "posters").mkdir()
    with helpers.database(backend, tmp) as url, helpers.running_server(
        url, tmp, backend, PORTAL_CAMPAIGNS_FILE=str(tmp / "campaigns.yml"), PORTAL_POSTERS_DIR=str(tmp / "posters"),
    ) as server:
        server.posters = tmp / "posters"
        server.outside = tmp
        yield server


def row(week, campaign, language, channel, step, count) -> dict:
    return {"week": week, "campaign": campaign, "language": language, "channel": channel, "step": step,
            "count": count}


PUSHED = [
    # emb-tashkent, Uzbek: large counts over two weeks and two channels, a small handoff count
    row(THIS_WEEK, "emb-tashkent", "uz", "web", "chat_opened", 40),
    row(THIS_WEEK, "emb-tashkent", "uz", "sms", "chat_opened", 12),
    row(LAST_WEEK, "emb-tashkent", "uz", "web", "chat_opened", 30),
    row(THIS_WEEK, "emb-tashkent", "uz", "web", "first_message", 35),
    row(LAST_WEEK, "emb-tashkent", "uz", "web", "first_message", 25),
    row(THIS_WEEK, "emb-tashkent", "uz", "web", "screening_started", 20),
    row(THIS_WEEK, "emb-tashkent", "uz", "web", "handoff_sent", 2),
    # emb-tashkent, Russian
    row(THIS_WEEK, "emb-tashkent", "ru", "web", "chat_opened", 25),
    row(THIS_WEEK, "emb-tashkent", "ru", "web", "first_message", 18),
    row(THIS_WEEK, "emb-tashkent", "ru", "telegram", "screening_started", 9),
    row(THIS_WEEK, "emb-tashkent", "ru", "web", "handoff_sent", 6),
    # a code the registry does not know, unregistered links, no campaign
    row(THIS_WEEK, "pilot-2027", "en", "web", "chat_opened", 7),
    row(THIS_WEEK, "other", "lv", "web", "chat_opened", 60),
    row(THIS_WEEK, "other", "lv", "web", "first_message", 55),
    row(THIS_WEEK, "direct", "lv", "web", "chat_opened", 300),
    row(THIS_WEEK, "direct", "lv", "web", "first_message", 280),
    row(THIS_WEEK, "direct", "ru", "whatsapp", "emergency_shown", 3),
    # twenty weeks ago: outside a recent period
    row(OLD_WEEK, "emb-tashkent", "uz", "web", "chat_opened", 500),
]


def expected_totals(first: str | None = None, last: str | None = None) -> dict:
    """What the database should sum: over weeks in the period and over channels."""
    totals: dict = {}
    for r in PUSHED:
        if (first and r["week"] < first) or (last and r["week"] > last):
            continue
        steps = totals.setdefault((r["campaign"], r["language"]), {})
        steps[r["step"]] = steps.get(r["step"], 0) + r["count"]
    return totals


@pytest.fixture(scope="module")
def pushed(site):
    response = helpers.send(site.base_url, {"counts": PUSHED}, path="/api/funnel")
    assert response.status_code == 200, response.text
    return site


def read_csv(response: httpx.Response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment;")
    return list(csv.reader(io.StringIO(response.text)))


def names(code):
    return {"emb-tashkent": "Embassy in Tashkent", "vdi-sites": "Labour inspections <b>on site</b>",
            "other": "Other links", "direct": "No campaign"}.get(code, code)


def test_coordinators_and_admins_only(pushed):
    coordinator, _ = helpers.logged_in(pushed, None, "coordinator")
    admin, _ = helpers.logged_in(pushed, "drosa_maja", "admin")
    staff, _ = helpers.logged_in(pushed, "marta", "staff")
    for client in (coordinator, admin):
        page = client.get("/portal/campaigns")
        assert page.status_code == 200 and ">Campaigns</a>" in page.text
        assert client.get("/portal/campaigns.csv").status_code == 200
    for path in ("/portal/campaigns", "/portal/campaigns.csv", "/portal/campaigns/posters/emb-tashkent/uz/qr_png"):
        response = staff.get(path)
        assert response.status_code == 403, path
        assert "Your role cannot open this page." in response.text
    assert ">Campaigns</a>" not in staff.get("/portal/stats").text
    anonymous = httpx.get(pushed.base_url + "/portal/campaigns", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].endswith("/portal/login")


def test_the_csv_is_the_suppressed_table_of_what_was_pushed(pushed):
    client, _ = helpers.logged_in(pushed, None, "coordinator")
    rows = read_csv(client.get("/portal/campaigns.csv"))
    assert rows[0] == HEADER
    report = funnel_report.build(expected_totals(), ["emb-tashkent", "vdi-sites"])
    assert rows == list(csv.reader(io.StringIO(funnel_report.to_csv(report.lines, names))))
    by_line = {(r[0], r[2]): dict(zip(HEADER, r, strict=True)) for r in rows[1:]}
    # campaigns in the registry's order, then unregistered codes, then other and direct; the totals last
    assert list(dict.fromkeys(r[0] for r in rows[1:])) == ["emb-tashkent", "pilot-2027", "other", "direct", "all"]
    assert rows[-1][:3] == ["all", "", "all"] and rows[-1][3] == "974"
    uzbek = by_line[("emb-tashkent", "uz")]
    assert uzbek["campaign_name"] == "Embassy in Tashkent"
    assert uzbek["chat_opened"] == "582"  # 40 + 12 + 30, and 500 twenty weeks ago: the whole period
    assert uzbek["handoff_sent"] == "<5"  # 2
    assert by_line[("direct", "ru")]["emergency_shown"] == "<5"
    assert by_line[("pilot-2027", "en")]["campaign_name"] == "pilot-2027"
    assert by_line[("other", "lv")]["campaign_name"] == "Other links"
    # no small number is readable anywhere, and what is hidden is marked
    values = [value for r in rows[1:] for value in r[3:]]
    assert not {"1", "2", "3", "4"} & set(values)
    assert "x" in values


def test_the_page_shows_the_same_table_and_charts(pushed):
    client, _ = helpers.logged_in(pushed, None, "coordinator")
    page = client.get("/portal/campaigns").text
    assert "Embassy in Tashkent" in page and "Uzbek" in page and "Other links" in page and "No campaign" in page
    assert "Labour inspections &lt;b&gt;on site&lt;/b&gt;" in page and "<b>on site</b>" not in page
    assert '<td class="num">&lt;5</td>' in page
    assert '<td class="num">582</td>' in page
    # a chart per campaign and language: emb-tashkent uz ru, pilot-2027 en, other lv, direct lv ru
    assert page.count('<svg class="chart"') == 6
    assert "Self-check: signs of forced labour" in page and "Handoff sent" in page
    assert f"Counts are held for the weeks {OLD_WEEK} to {THIS_WEEK}." in page
    # every cell of 1 to 4 is "<5" in the table and on the charts
    assert not any(f'<td class="num">{n}</td>' in page for n in range(1, 5))
    assert ">2</text>" not in page and ">3</text>" not in page


def test_the_page_in_latvian(pushed):
    client, _ = helpers.logged_in(pushed, None, "coordinator", language="lv")
    page = client.get("/portal/campaigns").text
    for words in ("Kampaņas", "Citas saites", "Bez kampaņas", "Visas kampaņas", "Tērzēšana atvērta", "uzbeku"):
        assert words in page, words


def test_the_period_filter(pushed):
    client, _ = helpers.logged_in(pushed, None, "coordinator")
    rows = read_csv(client.get(f"/portal/campaigns.csv?from={LAST_WEEK}&to={THIS_WEEK}"))
    report = funnel_report.build(expected_totals(LAST_WEEK, THIS_WEEK), ["emb-tashkent", "vdi-sites"])
    assert rows == list(csv.reader(io.StringIO(funnel_report.to_csv(report.lines, names))))
    assert {(r[0], r[2]): r for r in rows}[("emb-tashkent", "uz")][3] == "82"
    only_old = read_csv(client.get(f"/portal/campaigns.csv?from={OLD_WEEK}&to={OLD_WEEK}"))
    assert [r[:4] for r in only_old[1:]] == [["emb-tashkent", "Embassy in Tashkent", "uz", "500"],
                                            ["all", "", "all", "500"]]
    # the form shows the weeks chosen; the weeks in reverse order are the same period
    page = client.get(f"/portal/campaigns?from={THIS_WEEK}&to={LAST_WEEK}").text
    assert f'value="{LAST_WEEK}"' in page and f'value="{THIS_WEEK}"' in page
    assert '<td class="num">82</td>' in page
    nothing = client.get("/portal/campaigns?from=2021-W01&to=2021-W02").text
    assert "No counts for this period and campaign yet." in nothing and 'class="funnel"' not in nothing


def test_one_campaign_shows_its_lines_of_the_same_table(pushed):
    client, _ = helpers.logged_in(pushed, None, "coordinator")
    everything = read_csv(client.get("/portal/campaigns.csv"))
    chosen = read_csv(client.get("/portal/campaigns.csv?campaign=emb-tashkent"))
    assert chosen[0] == HEADER
    # the same lines of the same table (same numbers, same marks), and the same column totals
    assert chosen[1:] == [r for r in everything[1:] if r[0] in ("emb-tashkent", "all")]
    page = client.get("/portal/campaigns?campaign=emb-tashkent").text
    assert "Embassy in Tashkent</th>" in page and "No campaign</th>" not in page
    assert 'href="/portal/campaigns.csv?campaign=emb-tashkent"' in page
    assert "No counts for this period and campaign yet." in client.get("/portal/campaigns?campaign=vdi-sites").text


@pytest.mark.parametrize("query", ["from=2026-W60", "from=%00", "to=W49", "campaign=%3Cscript%3E", "campaign=A",
                                   "from=2026-W49&to=2026-W01&campaign=emb-tashkent", "from=9999-W52"])
def test_odd_filters_are_ignored_not_echoed(pushed, query):
    client, _ = helpers.logged_in(pushed, None, "coordinator")
    for path in ("/portal/campaigns", "/portal/campaigns.csv"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 200, (path, query)
        assert "<script>" not in response.text


def test_the_csv_export_is_audited(pushed):
    client, account = helpers.logged_in(pushed, None, "coordinator")
    client.get("/portal/campaigns.csv?campaign=direct")

    async def events(session):
        from sqlalchemy import select

        from portal.models import AuditEvent

        query = select(AuditEvent.detail).where(AuditEvent.actor == account.email,
                                               AuditEvent.action == "stats_export")
        return (await session.scalars(query)).all()

    details = helpers.run(events, pushed.db_url)
    assert len(details) == 1 and '"table": "campaigns"' in details[0] and '"campaign": "direct"' in details[0]


# --- posters ------------------------------------------------------------------------------

INDEX = {"materials": [
    {"campaign": "emb-tashkent", "name": "Embassy in Tashkent", "language": "uz",
     "url": "https://cilvektirdznieciba.lv/chat?lang=uz&src=emb-tashkent",
     "files": {"qr_png": "emb-tashkent-uz-qr.png", "qr_svg": "emb-tashkent-uz-qr.svg",
               "poster_pdf": "emb-tashkent-uz-poster-a5.pdf", "card_pdf": "emb-tashkent-uz-card-85x55.pdf"}},
    # the shape of the brief: folders, other kind names, a missing url
    {"campaign": "emb-tashkent", "language": "ru", "files": {"png": "emb-tashkent/ru/qr.png"}},
    # what the portal must never serve
    {"campaign": "vdi-sites", "language": "lv",
     "files": {"poster_pdf": "../outside.pdf", "card_pdf": "/etc/passwd.pdf", "qr_png": "link-out.png",
               "qr_svg": "notes.txt", "extra": "missing.pdf"}},
    {"campaign": "../evil", "language": "uz", "files": {"qr_png": "emb-tashkent-uz-qr.png"}},
]}
FILES = {
    "emb-tashkent-uz-qr.png": b"\x89PNG\r\n\x1a\nqr",
    "emb-tashkent-uz-qr.svg": b'<svg xmlns="http://www.w3.org/2000/svg"/>',
    "emb-tashkent-uz-poster-a5.pdf": b"%PDF-1.7 poster",
    "emb-tashkent-uz-card-85x55.pdf": b"%PDF-1.7 card",
    "emb-tashkent/ru/qr.png": b"\x89PNG\r\n\x1a\nru",
    "notes.txt": b"not a poster",
}


@pytest.fixture
def posters(pushed):
    folder = pushed.posters
    for name, content in FILES.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    (pushed.outside / "outside.pdf").write_bytes(b"%PDF secret outside the folder")
    if not (folder / "link-out.png").exists():
        os.symlink(pushed.outside / "outside.pdf", folder / "link-out.png")
    (folder / "index.json").write_text(json.dumps(INDEX), encoding="utf-8")
    yield pushed
    (folder / "index.json").unlink()


def test_without_posters_the_page_says_how_to_make_them(pushed):
    client, _ = helpers.logged_in(pushed, None, "coordinator")
    page = client.get("/portal/campaigns").text
    assert "No posters generated yet: run make posters or python -m bot qr --all --out build/posters." in page
    assert "Not generated yet" in page  # the registry's campaigns and languages are listed still
    assert client.get("/portal/campaigns/posters/emb-tashkent/uz/qr_png").status_code == 404


def test_posters_are_listed_and_downloaded(posters):
    client, _ = helpers.logged_in(posters, "marta", "admin")
    page = client.get("/portal/campaigns").text
    assert "No posters generated yet" not in page
    assert "https://cilvektirdznieciba.lv/chat?lang=uz&amp;src=emb-tashkent" in page
    for kind, title in (("poster_pdf", "A5 poster (PDF)"), ("card_pdf", "Card 85 × 55 mm (PDF)"),
                        ("qr_png", "QR code (PNG)"), ("qr_svg", "QR code (SVG)")):
        assert f'href="/portal/campaigns/posters/emb-tashkent/uz/{kind}" download>{title}</a>' in page
    assert 'href="/portal/campaigns/posters/emb-tashkent/ru/png"' in page
    assert "/portal/campaigns/posters/vdi-sites/" not in page and "evil" not in page
    for kind, content_type, content in (
        ("qr_png", "image/png", FILES["emb-tashkent-uz-qr.png"]),
        ("qr_svg", "image/svg+xml", FILES["emb-tashkent-uz-qr.svg"]),
        ("poster_pdf", "application/pdf", FILES["emb-tashkent-uz-poster-a5.pdf"]),
        ("card_pdf", "application/pdf", FILES["emb-tashkent-uz-card-85x55.pdf"]),
    ):
        response = client.get(f"/portal/campaigns/posters/emb-tashkent/uz/{kind}")
        assert response.status_code == 200, kind
        assert response.content == content
        assert response.headers["content-type"].startswith(content_type)
        assert response.headers["content-disposition"].startswith("attachment")
        assert response.headers["x-content-type-options"] == "nosniff"
    assert 'filename="paligs-emb-tashkent-uz-poster-a5.pdf"' in client.get(
        "/portal/campaigns/posters/emb-tashkent/uz/poster_pdf").headers["content-disposition"]
    response = client.get("/portal/campaigns/posters/emb-tashkent/ru/png")
    assert response.status_code == 200 and response.content == FILES["emb-tashkent/ru/qr.png"]
    assert 'filename="paligs-emb-tashkent-ru-qr.png"' in response.headers["content-disposition"]
    coordinator, _ = helpers.logged_in(posters, None, "coordinator")
    assert coordinator.get("/portal/campaigns/posters/emb-tashkent/uz/qr_png").status_code == 200


@pytest.mark.parametrize("path", [
    "vdi-sites/lv/poster_pdf",  # ../outside.pdf in the index
    "vdi-sites/lv/card_pdf",  # an absolute path in the index
    "vdi-sites/lv/qr_png",  # a link inside the folder to a file outside it
    "vdi-sites/lv/qr_svg",  # a file of a kind the portal does not serve
    "vdi-sites/lv/extra",  # listed, but not there
    "emb-tashkent/uz/index",  # the index itself is not a file the index lists
    "emb-tashkent/lv/qr_png",  # not listed
    "emb-tashkent/uz/..%2F..%2Foutside.pdf",
    "..%2F..%2F..%2Fetc/passwd/qr_png",
    "..%2Fevil/uz/qr_png",
    "emb-tashkent/uz/qr_png%00",
    "emb-tashkent%2F..%2F..%2Foutside.pdf/uz/qr_png",
])
def test_nothing_outside_the_index_and_the_folder_is_served(posters, path):
    client, _ = helpers.logged_in(posters, None, "coordinator")
    response = client.get(f"/portal/campaigns/posters/{path}")
    assert response.status_code == 404, (path, response.status_code)
    assert b"secret" not in response.content and b"root:" not in response.content


def test_raw_dot_dot_paths_do_not_leave_the_route(posters):
    """httpx would normalise the path: send it as written."""
    client, _ = helpers.logged_in(posters, None, "coordinator")
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    for raw in ("/portal/campaigns/posters/../../../outside.pdf", "/portal/campaigns/posters/emb-tashkent/uz/../../.."
                "/../outside.pdf"):
        import socket

        host, port = posters.base_url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as connection:
            connection.sendall(f"GET {raw} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
                               .encode())
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
        status = int(answer.split(b" ", 2)[1])
        assert status in (400, 404), (raw, answer[:200])
        assert b"secret" not in answer


def test_a_broken_index_is_no_posters(pushed):
    client, _ = helpers.logged_in(pushed, None, "coordinator")
    (pushed.posters / "index.json").write_text("{not json", encoding="utf-8")
    try:
        page = client.get("/portal/campaigns")
        assert page.status_code == 200 and "No posters generated yet" in page.text
    finally:
        (pushed.posters / "index.json").unlink()
