"""Which campaign and language get print materials, their file names, and index.json."""

import datetime as dt
import json

import pytest

from bot.__main__ import main
from bot.campaigns.materials import (
    INDEX_FILE,
    SelectionError,
    materials_for,
    merged_index,
    read_index,
    select,
    write_index,
)
from bot.campaigns.registry import campaigns, parse_campaigns

BASE = "https://cilvektirdznieciba.lv/chat"


def registered():
    day = dt.date(2026, 12, 1)
    entry = {"where": "w", "by": "b", "start": day, "end": None, "source": "s", "verified_on": day}
    return parse_campaigns({"campaigns": [
        {**entry, "code": "emb-tashkent", "name": "Embassy in Tashkent", "languages": ["uz", "ru"]},
        {**entry, "code": "emb-delhi", "name": "Embassy in Delhi", "languages": ["hi", "ur", "en"]},
    ]}, ["lv", "en", "ru", "uz", "hi", "ur"])


@pytest.mark.parametrize(
    "campaign, lang, everything, made",
    [
        ("emb-tashkent", "uz", False, [("emb-tashkent", "uz")]),
        ("emb-tashkent", None, False, [("emb-tashkent", "uz"), ("emb-tashkent", "ru")]),
        (None, None, True, [("emb-tashkent", "uz"), ("emb-tashkent", "ru"),
                            ("emb-delhi", "hi"), ("emb-delhi", "ur"), ("emb-delhi", "en")]),
    ],
)
def test_selection(campaign, lang, everything, made):
    assert [(c.code, code) for c, code in select(registered(), campaign, lang, everything)] == made


@pytest.mark.parametrize(
    "campaign, lang, everything, said",
    [
        ("emb-riga", None, False, "no campaign 'emb-riga'"),
        ("emb-riga", "uz", False, "registered: emb-tashkent, emb-delhi"),
        ("emb-tashkent", "hi", False, "not printed in 'hi'; its languages: uz, ru"),
        ("emb-tashkent", "xx", False, "not printed in 'xx'"),
        (None, "uz", True, "--all makes every campaign"),
    ],
)
def test_a_selection_without_materials_is_said_plainly(campaign, lang, everything, said):
    with pytest.raises(SelectionError, match=said):
        select(registered(), campaign, lang, everything)


def test_all_is_every_registered_campaign_in_each_of_its_languages():
    pairs = [(c.code, lang) for c, lang in select(campaigns(), None, None, True)]
    assert pairs == [(c.code, lang) for c in campaigns().by_code.values() for lang in c.languages]
    assert ("emb-tashkent", "uz") in pairs and ("emb-delhi", "ur") in pairs
    assert len(set(pairs)) == len(pairs)


def test_files_and_index_entry_of_a_material():
    [material] = materials_for(select(registered(), "emb-tashkent", "uz", False), BASE)
    assert material.index_entry() == {
        "campaign": "emb-tashkent",
        "name": "Embassy in Tashkent",
        "language": "uz",
        "url": "https://cilvektirdznieciba.lv/chat?lang=uz&src=emb-tashkent",
        "files": {
            "qr_png": "emb-tashkent-uz-qr.png",
            "qr_svg": "emb-tashkent-uz-qr.svg",
            "poster_pdf": "emb-tashkent-uz-poster-a5.pdf",
            "card_pdf": "emb-tashkent-uz-card-85x55.pdf",
        },
    }


def test_every_material_of_all_has_files_of_its_own():
    made = materials_for(select(campaigns(), None, None, True), BASE)
    names = [name for m in made for name in m.files.values()]
    assert len(names) == len(set(names)) == 4 * len(made)
    assert all(m.url == f"{BASE}?lang={m.lang}&src={m.campaign.code}" for m in made)


def entry(campaign, lang, url="u"):
    stem = f"{campaign}-{lang}"
    return {"campaign": campaign, "name": "n", "language": lang, "url": url,
            "files": {"qr_png": f"{stem}-qr.png", "poster_pdf": f"{stem}-poster-a5.pdf"}}


@pytest.mark.parametrize(
    "previous, made, present, expected",
    [
        # nothing before: what was made
        ([], [entry("b", "uz"), entry("a", "ru")], set(), [("a", "ru"), ("b", "uz")]),
        # one language after another fills the index
        ([entry("a", "uz")], [entry("a", "ru")], {"a-uz-qr.png", "a-uz-poster-a5.pdf"}, [("a", "ru"), ("a", "uz")]),
        # an earlier entry whose files are gone is dropped, even partly gone
        ([entry("a", "uz")], [entry("a", "ru")], {"a-uz-qr.png"}, [("a", "ru")]),
        # the same campaign and language again: the new entry replaces the old one
        ([entry("a", "uz", url="old")], [entry("a", "uz", url="new")], {"a-uz-qr.png", "a-uz-poster-a5.pdf"},
         [("a", "uz")]),
    ],
)
def test_merged_index(previous, made, present, expected):
    index = merged_index(previous, made, present.__contains__)
    assert [(e["campaign"], e["language"]) for e in index["materials"]] == expected
    assert all(e["url"] != "old" for e in index["materials"])


@pytest.mark.parametrize("content", [None, "", "not json", "[]", '{"materials": 3}', '{"materials": [1, {"x": 2}]}'])
def test_an_index_that_is_not_ours_counts_as_empty(tmp_path, content):
    if content is not None:
        (tmp_path / INDEX_FILE).write_text(content)
    assert read_index(tmp_path) == []


def test_the_index_is_written_whole_and_read_back(tmp_path):
    index = {"materials": [entry("emb-tashkent", "uz")]}
    write_index(tmp_path, index)
    assert json.loads((tmp_path / INDEX_FILE).read_text("utf-8")) == index
    assert read_index(tmp_path) == index["materials"]
    assert [p.name for p in tmp_path.iterdir()] == [INDEX_FILE]


@pytest.mark.parametrize(
    "arguments, said",
    [
        (["--campaign", "emb-nowhere"], "no campaign 'emb-nowhere'"),
        (["--campaign", "emb-tashkent", "--lang", "hi"], "is not printed in 'hi'; its languages: uz, ru"),
        (["--all", "--lang", "uz"], "--all makes every campaign"),
    ],
)
def test_the_command_refuses_a_campaign_or_language_without_materials(tmp_path, capsys, arguments, said):
    assert main(["qr", *arguments, "--out", str(tmp_path / "posters")]) == 2
    assert said in capsys.readouterr().err
    assert not (tmp_path / "posters").exists()


def test_the_command_needs_a_campaign_or_all(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["qr", "--lang", "uz"])
    assert stopped.value.code == 2
    assert "one of the arguments --campaign --all is required" in capsys.readouterr().err
