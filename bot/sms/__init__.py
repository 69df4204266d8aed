"""The SMS channel's pure parts: segments, keywords, rendering, pseudonyms, limits.

None of these modules needs Rasa or a network; bot/channels/sms.py joins them.
"""
