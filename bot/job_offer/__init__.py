"""The job-offer check (bot/data/content/job_offer.yml) as pure functions."""
