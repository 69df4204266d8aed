"""Staff-facing names for the codes of an intake, translated through the catalog.

Each table is keyed by the codes of portal/vocabulary.py (a test checks that
every code has its title). `N_` marks a msgid for extraction without
translating it here; views translate at render time in the staff member's
language. Sectors and needs are open lists: a code without a title is shown as
sent. Indicator labels come from the assistant's indicators.yml
(`staff_label`, English) and are translated with the context "indicator".
"""

from __future__ import annotations

from pathlib import Path

import yaml


def N_(text: str) -> str:
    return text


STATUSES = {
    "new": N_("New"),
    "acknowledged": N_("Acknowledged"),
    "in_progress": N_("In progress"),
    "closed": N_("Closed"),
    "withdrawn": N_("Withdrawn"),
}
# The button that moves an intake to a status.
STATUS_ACTIONS = {
    "acknowledged": N_("Acknowledge"),
    "in_progress": N_("Start work"),
    "closed": N_("Close"),
}
SIGNALS = {
    "trafficking_signs": N_("Signs of trafficking"),
    "forced_labour_signs": N_("Signs of forced labour"),
    "exploitation_signs": N_("Signs of exploitation"),
    "few_signs": N_("Few signs"),
}
INDICATOR_DIMENSIONS = {
    "deceptive_recruitment": N_("Deceptive recruitment"),
    "coercive_recruitment": N_("Coercive recruitment"),
    "vulnerable_recruitment": N_("Recruitment by abuse of vulnerability"),
    "exploitation": N_("Exploitative conditions"),
    "coercion": N_("Coercion at destination"),
    "vulnerability": N_("Abuse of vulnerability at destination"),
}
ANSWERS = {"yes": N_("Yes"), "no": N_("No"), "unsure": N_("Not sure")}
STRENGTHS = {"strong": N_("strong"), "medium": N_("medium"), "weak": N_("weak")}
CHANNELS = {"web": N_("Web chat"), "sms": N_("SMS"), "rest": N_("API"), "whatsapp": N_("WhatsApp"),
            "telegram": N_("Telegram")}
PROVIDERS = {"marta": N_("Centrs MARTA"), "drosa_maja": N_("Drošā māja"), "any": N_("Any provider")}
AGE_GROUPS = {"adult": N_("Adult"), "minor": N_("Minor (under 18)"), "unknown": N_("Age not known")}
LOCATIONS = {"latvia": N_("In Latvia"), "abroad": N_("Abroad")}
CONTACT_METHODS = {"phone": N_("Phone call"), "sms": N_("SMS"), "messenger": N_("Messenger app"),
                   "email": N_("E-mail")}
ROLES = {"staff": N_("Staff"), "admin": N_("Administrator"), "coordinator": N_("Coordinator")}
SECTORS = {
    "construction": N_("Construction"),
    "agriculture": N_("Agriculture"),
    "food_production": N_("Food production"),
    "hospitality": N_("Hotels and restaurants"),
    "cleaning_domestic": N_("Cleaning and domestic work"),
    "sex_work": N_("Sex work"),
    "begging": N_("Begging"),
    "crime": N_("Forced criminal activity"),
    "marriage": N_("Marriage"),
    "other": N_("Other work"),
}
# The ids the assistant sends (bot/handoff/intake.py), then a few more a sender may use.
NEEDS = {
    "documents": N_("Getting documents back"),
    "unpaid_wages": N_("Unpaid wages or compensation"),
    "safe_housing": N_("Safe place to stay"),
    "medical_help": N_("Medical help"),
    "legal_help": N_("Legal advice"),
    "child_protection": N_("Child protection (minor)"),
    "self_check_not_done": N_("Self-check not done"),
    "contact_requested": N_("Asked to be contacted"),
    "psychological": N_("Psychological support"),
    "return_home": N_("Going home safely"),
    "residence_permit": N_("Residence permit"),
    "interpreter": N_("Interpreter"),
}
FUNNEL_STEPS = {
    "chat_opened": N_("Chat opened"),
    "first_message": N_("First message"),
    "screening_started": N_("Self-check started"),
    "screening_finished_trafficking_signs": N_("Self-check: signs of trafficking"),
    "screening_finished_forced_labour_signs": N_("Self-check: signs of forced labour"),
    "screening_finished_exploitation_signs": N_("Self-check: signs of exploitation"),
    "screening_finished_few_signs": N_("Self-check: few signs"),
    "rights_topic_opened": N_("Rights topic opened"),
    "job_offer_finished": N_("Job offer check finished"),
    "handoff_sent": N_("Handoff sent"),
    "emergency_shown": N_("Emergency numbers shown"),
}
# The campaigns that are not in the registry; a registered one is called by its name there.
CAMPAIGNS = {"other": N_("Other links"), "direct": N_("No campaign")}
# The files `python -m bot qr` makes for a campaign and language; other kinds are shown by their code.
POSTER_KINDS = {
    "poster_pdf": N_("A5 poster (PDF)"),
    "card_pdf": N_("Card 85 × 55 mm (PDF)"),
    "qr_png": N_("QR code (PNG)"),
    "qr_svg": N_("QR code (SVG)"),
}
AUDIT_ACTIONS = {
    "receive": N_("received"),
    "withdraw": N_("withdrawn by the person"),
    "view": N_("viewed"),
    "view_queue": N_("viewed the queue"),
    "reveal": N_("revealed contact details"),
    "status": N_("changed status"),
    "assign": N_("assigned"),
    "note": N_("added a note"),
    "export": N_("exported"),
    "stats_export": N_("exported statistics"),
    "login": N_("logged in"),
    "login_failed": N_("failed login"),
    "logout": N_("logged out"),
    "user_add": N_("added a user"),
    "user_disable": N_("disabled a user"),
    "purge": N_("retention purge"),
    "keys_rotate": N_("re-encrypted with the current key"),
    "api_list": N_("listed intakes (JSON)"),
    "enrol": N_("set up their password and authenticator"),
    "enrol_link": N_("made an enrolment link"),
    "password_change": N_("changed their password"),
    "totp_reset": N_("reset a user's authenticator"),
    "claim": N_("took an intake for any provider"),
}


def load_indicators(path: Path) -> dict[str, str]:
    """Indicator id -> its staff label (English msgid), from the assistant's indicators.yml."""
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {
        item["id"]: item.get("staff_label") or item["id"]
        for item in data.get("indicators", [])
        if isinstance(item, dict) and "id" in item
    }


def label(table: dict[str, str], code: str | None, gettext) -> str:
    """The translated name of a code; an unknown code is shown as itself (escaped by the template)."""
    if code is None:
        return "—"
    return gettext(table[code]) if code in table else code
