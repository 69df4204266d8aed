"""The SMS channel's pure parts: segments, keywords, rendering, pseudonyms.

None of these modules needs Rasa or a network; bot/server/channels/sms.py joins them.
"""
