"""Where the project's files are, relative to the repository."""

from pathlib import Path

BOT_DIR = Path(__file__).resolve().parent
REPO_DIR = BOT_DIR.parent
CONTENT_DIR = BOT_DIR / "data" / "content"
FORMS_DATA_DIR = BOT_DIR / "data" / "forms"
LOCALES_DIR = BOT_DIR / "locales"
RESPONSES_FILE = BOT_DIR / "responses.yml"
WEB_DIR = BOT_DIR / "web"
BUILD_DIR = REPO_DIR / "build"
BUILD_DOMAIN_DIR = BUILD_DIR / "domain"
BUILD_NLU_DIR = BUILD_DIR / "nlu"  # button titles as examples (bot/tooling/button_examples.py)
CATALOG_DOMAIN = "messages"
