"""Campaigns: the registry (bot/data/content/campaigns.yml), their posters and cards, and the
anonymous funnel counts that show which campaign reaches people."""
