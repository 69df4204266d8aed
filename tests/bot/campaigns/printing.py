"""What the campaign tests print, and the Debian tools that read it back."""

import shutil
import subprocess

import pytest

from bot.settings import load_settings

# The languages the PDF checks read back: Latin with diacritics, Cyrillic, Uzbek Latin with ʻ,
# Devanagari and Urdu; one command each, so index.json must gather them.
MADE = [("vdi-sites", "lv"), ("emb-tashkent", "ru"), ("emb-tashkent", "uz"), ("emb-delhi", "hi"), ("emb-delhi", "ur")]


def expected_url(campaign: str, lang: str) -> str:
    return f"{load_settings().chat_public_url}?lang={lang}&src={campaign}"


def program(name: str, package: str) -> str:
    """A Debian tool the tests need: a missing one fails the test, it never skips it."""
    path = shutil.which(name)
    if not path:
        pytest.fail(f"{name} is missing: install Debian's {package} (scripts/ensure-system-packages {package})")
    return path


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout
