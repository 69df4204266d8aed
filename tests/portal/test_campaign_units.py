"""The Campaigns page's pure cores, table-driven: the published funnel table and its
CSV, the campaign registry as the portal reads it, the posters index and its paths,
and the charts."""

from __future__ import annotations

import csv
import io
import json
import os
import re

import pytest

from portal import campaigns, charts, funnel_report, posters
from portal.funnel_report import Line
from portal.suppression import Cell, Mark
from portal.vocabulary import FUNNEL_STEPS

# --- the funnel table --------------------------------------------------------------------


@pytest.mark.parametrize("codes, registered, order", [
    ({"direct", "other", "b", "a", "zz"}, ["zz", "a"], ["zz", "a", "b", "other", "direct"]),
    ({"direct"}, ["a"], ["direct"]),
    (set(), ["a"], []),
    ({"other", "a"}, ["other", "a"], ["a", "other"]),  # "other" stays last even if registered
])
def test_campaign_order(codes, registered, order):
    assert funnel_report.campaign_order(codes, registered) == order


TOTALS = {
    ("direct", "lv"): {"chat_opened": 300, "first_message": 280},
    ("emb-tashkent", "uz"): {"chat_opened": 40, "first_message": 35, "handoff_sent": 2},
    ("emb-tashkent", "ru"): {"chat_opened": 25, "first_message": 18, "handoff_sent": 6},
}


def test_the_report_lines_campaign_by_campaign_with_the_totals_last():
    report = funnel_report.build(TOTALS, ["emb-tashkent"])
    assert [(line.campaign, line.language) for line in report.lines] == [
        ("emb-tashkent", "ru"), ("emb-tashkent", "uz"), ("direct", "lv"), (None, None)]
    assert report.campaigns == ["emb-tashkent", "direct"]
    totals = report.lines[-1]
    assert totals.is_total and totals.cells[0] == Cell(365) and totals.total.value == 706
    assert report.lines[1].cells[FUNNEL_STEPS.index("handoff_sent")].text == "<5"
    assert all(len(line.cells) == len(FUNNEL_STEPS) for line in report.lines)


def test_one_campaign_is_its_lines_and_the_same_totals():
    report = funnel_report.build(TOTALS, ["emb-tashkent"])
    assert report.of("emb-tashkent") == [*report.lines[:2], report.lines[-1]]
    assert report.of(None) == list(report.lines)
    assert report.of("vdi-sites") == []
    assert funnel_report.build({}).of(None) == []


def test_the_input_order_does_not_change_what_is_hidden():
    shuffled = dict(reversed(list(TOTALS.items())))
    assert funnel_report.build(shuffled, ["emb-tashkent"]) == funnel_report.build(TOTALS, ["emb-tashkent"])


def test_csv_codes_names_and_marks():
    lines = [
        Line("emb-tashkent", "uz", tuple(Cell(9) for _ in FUNNEL_STEPS), Cell(99)),
        Line("evil", "ru", tuple(Cell(3, Mark.SMALL) for _ in FUNNEL_STEPS), Cell(33, Mark.HIDDEN)),
        Line(None, None, tuple(Cell(12) for _ in FUNNEL_STEPS), Cell(132)),
    ]
    names = {"emb-tashkent": "Embassy, Tashkent", "evil": "=HYPERLINK(\"x\")"}
    rows = list(csv.reader(io.StringIO(funnel_report.to_csv(lines, names.get))))
    assert rows[0] == ["campaign", "campaign_name", "language", *FUNNEL_STEPS, "total"]
    assert rows[1] == ["emb-tashkent", "Embassy, Tashkent", "uz", *["9"] * len(FUNNEL_STEPS), "99"]
    assert rows[2] == ["evil", "'=HYPERLINK(\"x\")", "ru", *["<5"] * len(FUNNEL_STEPS), "x"]
    assert rows[3] == ["all", "", "all", *["12"] * len(FUNNEL_STEPS), "132"]


# --- the registry ------------------------------------------------------------------------

@pytest.mark.parametrize("data, expected", [
    ({"campaigns": [{"code": "emb-tashkent", "name": " Embassy ", "languages": ["uz", "ru"]}]},
     [campaigns.Campaign("emb-tashkent", "Embassy", ("uz", "ru"))]),
    ({"campaigns": [{"code": "a", "name": None, "languages": "uz"}]}, [campaigns.Campaign("a", "a", ())]),
    ({"campaigns": [{"code": "Bad Code"}, {"code": "-x"}, "text", {"name": "no code"}]}, []),
    ({"campaigns": [{"code": "a", "name": "A", "languages": ["uz", "UZB", 7]}, {"code": "a", "name": "again"}]},
     [campaigns.Campaign("a", "A", ("uz",))]),
    ({"campaigns": None}, []),
    ([], []),
    (None, []),
])
def test_the_registry_takes_what_is_well_formed(data, expected):
    assert campaigns.parse(data) == expected


def test_the_registry_file(tmp_path):
    assert campaigns.load(tmp_path / "missing.yml") == []
    (tmp_path / "broken.yml").write_text("campaigns: [", encoding="utf-8")
    assert campaigns.load(tmp_path / "broken.yml") == []
    from portal.settings import CAMPAIGNS_FILE

    real = campaigns.load(CAMPAIGNS_FILE)  # the assistant's own registry reads as well
    assert real and all(c.name != c.code and c.languages for c in real)


# --- posters -----------------------------------------------------------------------------

@pytest.mark.parametrize("name, safe", [
    ("emb-tashkent-uz-qr.png", True),
    ("emb-tashkent/uz/poster-a5.pdf", True),
    ("QR.SVG", True),
    ("../outside.pdf", False),
    ("a/../../outside.pdf", False),
    ("/etc/passwd.pdf", False),
    ("a//b.pdf", False),
    ("./a.pdf", False),
    ("a\\..\\b.pdf", False),
    ("a\x00.pdf", False),
    ("notes.txt", False),
    ("index.json", False),
    ("", False),
    (None, False),
    (["a.pdf"], False),
    ("x" * 300 + ".pdf", False),
])
def test_only_plain_relative_names_of_served_kinds(name, safe):
    assert (posters.safe_relative(name) is not None) == safe


@pytest.mark.parametrize("data, expected", [
    ({"materials": [{"campaign": "b", "language": "uz", "name": "B", "url": "https://x.lv/chat?src=b",
                     "files": {"qr_png": "b-qr.png", "zz_pdf": "b.pdf", "poster_pdf": "b-poster.pdf"}},
                    {"campaign": "a", "language": "ru", "files": {"png": "a/ru/qr.png"}}]},
     [posters.Material("a", "ru", "", "", {"png": "a/ru/qr.png"}),
      posters.Material("b", "uz", "B", "https://x.lv/chat?src=b",
                       {"poster_pdf": "b-poster.pdf", "qr_png": "b-qr.png", "zz_pdf": "b.pdf"})]),
    ([{"campaign": "a", "language": "uz", "url": "javascript:alert(1)", "files": {"qr_png": "../a.png",
                                                                                   "Bad Kind": "a.png"}}],
     [posters.Material("a", "uz", "", "", {})]),
    ({"materials": [{"campaign": "../a", "language": "uz"}, {"campaign": "a", "language": "uzb"}, 3]}, []),
    ({"materials": "none"}, []),
    ("text", []),
])
def test_the_index_takes_what_is_well_formed(data, expected):
    assert posters.parse_index(data) == expected


def test_the_index_file_and_the_files_it_names(tmp_path):
    folder = tmp_path / "posters"
    folder.mkdir()
    assert posters.read_index(folder) is None
    (folder / "index.json").write_text("{", encoding="utf-8")
    assert posters.read_index(folder) is None
    (tmp_path / "secret.pdf").write_bytes(b"%PDF")
    (folder / "in.pdf").write_bytes(b"%PDF")
    (folder / "sub.pdf").mkdir()  # a folder, not a file
    os.symlink(tmp_path / "secret.pdf", folder / "out.pdf")
    os.symlink(folder / "in.pdf", folder / "alias.pdf")
    (folder / "index.json").write_text(json.dumps({"materials": [
        {"campaign": "a", "language": "uz",
         "files": {"in": "in.pdf", "out": "out.pdf", "alias": "alias.pdf", "dir": "sub.pdf", "gone": "gone.pdf"}}]}))
    materials = posters.read_index(folder)
    assert set(materials[0].files) == {"in", "out", "alias", "dir", "gone"}
    assert posters.available(folder, materials)[0].files == {"alias": "alias.pdf", "in": "in.pdf"}
    assert posters.resolve(folder, "in.pdf") == (folder / "in.pdf").resolve()
    assert posters.resolve(folder, "out.pdf") is None  # a link that leaves the folder
    assert posters.resolve(folder, "../secret.pdf") is None
    assert posters.find(materials, "a", "uz", "in") == "in.pdf"
    assert posters.find(materials, "a", "ru", "in") is None and posters.find(materials, "a", "uz", "x") is None
    assert posters.content_type(folder / "x.SVG") == "image/svg+xml"


# --- charts ------------------------------------------------------------------------------

def test_a_hidden_bar_looks_the_same_whatever_it_hides():
    svg = str(charts.bar_chart([charts.Bar("<b>a</b>", 3, "<5", hidden=True), charts.Bar("b", 400, "x", hidden=True),
                                charts.Bar("c", 50, "50"), charts.Bar("d", 0, "0")], "Funnel & co"))
    widths = re.findall(r'<rect [^>]*width="([0-9.]+)"', svg)
    assert widths[0] == widths[1] != widths[2] and float(widths[3]) == 0
    assert "&lt;b&gt;a" in svg and "Funnel &amp; co" in svg and "<script" not in svg and ">400<" not in svg


# --- settings ------------------------------------------------------------------------------

def test_the_campaign_settings(tmp_path):
    from portal.settings import CAMPAIGNS_FILE, POSTERS_DIR, REPO, Settings, SettingsError
    from tests.portal import helpers

    base = {"PORTAL_VAR_DIR": str(tmp_path), "PORTAL_DATA_KEY": helpers.key_entry("k")}
    defaults = Settings.from_env(base)
    assert defaults.funnel_retention_weeks == 156
    assert defaults.campaigns_path == CAMPAIGNS_FILE == REPO / "bot" / "data" / "content" / "campaigns.yml"
    assert defaults.posters_dir == POSTERS_DIR == REPO / "build" / "posters"
    chosen = Settings.from_env({**base, "PORTAL_FUNNEL_RETENTION_WEEKS": "52", "PORTAL_CAMPAIGNS_FILE": "/etc/c.yml",
                                "PORTAL_POSTERS_DIR": "/srv/posters"})
    assert (chosen.funnel_retention_weeks, str(chosen.campaigns_path), str(chosen.posters_dir)) == (
        52, "/etc/c.yml", "/srv/posters")
    for wrong in ("0", "three years"):
        with pytest.raises(SettingsError, match="PORTAL_FUNNEL_RETENTION_WEEKS"):
            Settings.from_env({**base, "PORTAL_FUNNEL_RETENTION_WEEKS": wrong})
