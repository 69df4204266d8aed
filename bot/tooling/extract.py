"""Babel extractor for the YAML files whose English words go into the catalogs.

bot/responses.yml: response texts (context = response name) and button
titles (context "button"); bot/data/content/contacts.yml: labels and notes
(context "contact"); indicators.yml, rights.yml, job_offer.yml and languages.yml: the texts
named in CONTENT_FIELDS. Wired in bot/babel.cfg.
"""

from __future__ import annotations

from typing import Iterator, Tuple

import yaml

from bot.i18n.responses import BUTTON_CONTEXT

CONTACT_CONTEXT = "contact"
# Contexts of the content files' texts, by the list that holds them (the loaders use the same).
CONTENT_FIELDS = {
    "indicators": {
        "question": "indicator_question",
        "result": "indicator_result",
        "acknowledgement": "indicator_acknowledgement",
    },
    "topics": {"title": "rights_title", "answer": "rights_answer", "more": "rights_more"},
    "flags": {"question": "job_offer_question", "advice": "job_offer_advice"},
    "languages": {"in_language": "in_language"},
}


def _normalise(text: str) -> str:
    return " ".join(str(text).split())


def _mapping(node: yaml.Node) -> dict:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {key.value: value for key, value in node.value}


def _message(node: yaml.Node, context: str) -> Tuple[int, str, Tuple[str, str], list]:
    return (node.start_mark.line + 1, "pgettext", (context, _normalise(node.value)), [])


def _variant_messages(name: str, variant: yaml.Node) -> Iterator[tuple]:
    fields = _mapping(variant)
    if "text" in fields:
        yield _message(fields["text"], name)
    buttons = fields.get("buttons")
    if isinstance(buttons, yaml.SequenceNode):
        for button in buttons.value:
            title = _mapping(button).get("title")
            if title is not None:
                yield _message(title, BUTTON_CONTEXT)


def extract_yaml(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    root = _mapping(yaml.compose(fileobj.read().decode("utf-8")))
    for name, spec in _mapping(root.get("responses")).items():
        yield from _variant_messages(name, spec)
        for variant in _mapping(_mapping(spec).get("channels")).values():
            yield from _variant_messages(name, variant)
    contacts = root.get("contacts")
    if isinstance(contacts, yaml.SequenceNode):
        for contact in contacts.value:
            fields = _mapping(contact)
            for key in ("label", "note"):
                if key in fields:
                    yield _message(fields[key], CONTACT_CONTEXT)
    for key, fields_contexts in CONTENT_FIELDS.items():
        items = root.get(key)
        if isinstance(items, yaml.SequenceNode):
            for item in items.value:
                fields = _mapping(item)
                for field, context in fields_contexts.items():
                    if field in fields and fields[field].value:
                        yield _message(fields[field], context)
