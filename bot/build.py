"""Build the domain's responses (build/domain/) from bot/responses.yml and the catalogs."""

from __future__ import annotations

import os
from pathlib import Path

from bot.content import contact_book, response_values
from bot.i18n import Catalogs
from bot.languages import registry
from bot.paths import BUILD_DOMAIN_DIR, LOCALES_DIR, REPO_DIR, RESPONSES_FILE
from bot.responses import domain_responses, load_sources, write_domain_responses
from bot.settings import load_settings


def build_domain(target: Path = BUILD_DOMAIN_DIR) -> bool:
    """Write build/domain/{domain.yml -> ../../domain.yml, responses.yml}.

    The responses file is rewritten only when its content changes, so that
    make retrains only when something a person reads has changed."""
    target.mkdir(parents=True, exist_ok=True)
    link = target / "domain.yml"
    if not link.is_symlink():
        if link.exists():
            link.unlink()
        link.symlink_to(os.path.relpath(REPO_DIR / "domain.yml", target))
    responses = domain_responses(
        load_sources(RESPONSES_FILE),
        registry().enabled_codes,
        Catalogs(LOCALES_DIR),
        response_values(contact_book(), load_settings().retention_days),
    )
    out = target / "responses.yml"
    scratch = target / ".responses.yml.new"
    write_domain_responses(scratch, responses)
    if out.exists() and out.read_bytes() == scratch.read_bytes():
        scratch.unlink()
        return False
    scratch.replace(out)
    return True
