"""Names the assistant uses in more than one place, each defined once here: the
channels a conversation comes through, the providers, the answers, the ways to be
contacted. The intake record carries them to the portal, which names them once on
its side; both are checked against docs/intake.schema.json
(tests/bot/handoff/test_intake_schema.py)."""

# The `channel` slot and intake field, and the names of our input channels.
WEB, SMS, REST = "web", "sms", "rest"
WHATSAPP, TELEGRAM = "whatsapp", "telegram"
CHANNELS = (WEB, SMS, REST, WHATSAPP, TELEGRAM)
# The signal "delete my data" gives the Telegram channel to delete the chat's messages
# too (a custom message of the turn, never shown to the person).
ERASE_CHAT = "erase_chat"
# Rasa names the web chat's output channel after its protocol, so responses and
# actions see "socketio" where the slot says "web".
WEB_OUTPUT_CHANNEL = "socketio"

# The two state-mandated providers, and "either of them".
MARTA, DROSA_MAJA, ANY_PROVIDER = "marta", "drosa_maja", "any"
PROVIDERS = (MARTA, DROSA_MAJA, ANY_PROVIDER)

# An answer to a yes / no question of the self-check or the job-offer check.
ANSWERS = ("yes", "no", "unsure")

# How a person who asked to be contacted may be reached.
CONTACT_METHODS = ("phone", "sms", "messenger", "email")
