"""The languages offered (bot/data/content/languages.yml) and how a person names one."""
