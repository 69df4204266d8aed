"""Rights content (bot/data/content/rights.yml) as pure functions."""
