"""The languages offered (bot/data/content/languages.yml), how a person names one, which one a
message is written in, and the offer to switch to it."""
