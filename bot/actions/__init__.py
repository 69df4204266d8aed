"""The action server (rasa-sdk; `python -m bot serve-actions`). app.py builds the
server with the web chat and the outbox worker; every other module holds the
thin actions of one capability, and forms.py the base every form validation
shares. Nothing here may import `rasa` (tests/bot/test_boundaries.py)."""
