"""The codes the intake service speaks, each named once.

Validation, the database scope rules, the CLI, e-mail and the pages all take
their codes from here; `labels.py` gives each code its translatable title, and
docs/intake.schema.json repeats the intake's codes for other services (a test
keeps the three in step).
"""

from __future__ import annotations

# Staff roles. A provider's people (staff and admin) work on its intakes; a
# coordinator belongs to no provider and sees only the national statistics.
STAFF = "staff"
ADMIN = "admin"
COORDINATOR = "coordinator"
STAFF_ROLES = (STAFF, ADMIN)
ROLES = (*STAFF_ROLES, COORDINATOR)

# The organisations that receive intakes; an intake may also be addressed to
# any of them, and then every provider's staff see it.
PROVIDERS = ("marta", "drosa_maja")
ANY_PROVIDER = "any"
INTAKE_PROVIDERS = (*PROVIDERS, ANY_PROVIDER)

# The languages of the portal's pages (the people the intakes are about may
# speak any language: their code is only checked for its form).
STAFF_LANGUAGES = ("lv", "en")

# What an intake says.
CHANNELS = ("web", "sms", "rest", "whatsapp", "telegram")
AGE_GROUPS = ("adult", "minor", "unknown")
LOCATIONS = ("latvia", "abroad")
ANSWERS = ("yes", "no", "unsure")
STRENGTHS = ("strong", "medium", "weak")
SIGNALS = ("trafficking_signs", "forced_labour_signs", "exploitation_signs", "few_signs")
# The elements of the indicator framework an indicator belongs to.
INDICATOR_DIMENSIONS = (
    "deceptive_recruitment",
    "coercive_recruitment",
    "vulnerable_recruitment",
    "exploitation",
    "coercion",
    "vulnerability",
)
CONTACT_METHODS = ("phone", "sms", "messenger", "email")
# An intake arrives as "new"; staff move it on, the person may withdraw it.
STATUSES = ("new", "acknowledged", "in_progress", "closed", "withdrawn")

# The steps of a conversation the assistant counts, in funnel order: the anonymous
# weekly counts per campaign, language and channel it pushes to /api/funnel.
FUNNEL_STEPS = (
    "chat_opened",
    "first_message",
    "screening_started",
    "screening_finished_trafficking_signs",
    "screening_finished_forced_labour_signs",
    "screening_finished_exploitation_signs",
    "screening_finished_few_signs",
    "rights_topic_opened",
    "job_offer_finished",
    "handoff_sent",
    "emergency_shown",
)
# The campaign a count belongs to: a registered code (bot/data/content/campaigns.yml),
# OTHER_CAMPAIGN for a link whose code is not registered, NO_CAMPAIGN for none.
OTHER_CAMPAIGN = "other"
NO_CAMPAIGN = "direct"

# What the audit log records.
AUDIT_ACTIONS = (
    "receive", "withdraw", "view", "view_queue", "reveal", "status", "assign", "note",
    "export", "stats_export", "login", "login_failed", "logout", "user_add", "user_disable",
    "purge", "keys_rotate", "api_list", "enrol", "enrol_link", "password_change", "totp_reset", "claim",
)


def providers_for(addressee: str) -> tuple[str, ...]:
    """The providers an intake addressed to `addressee` reaches."""
    return PROVIDERS if addressee == ANY_PROVIDER else (addressee,)
