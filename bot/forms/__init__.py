"""Reading a person's reply to a form's question, shared by every form
(self-check, job-offer check, consent): numbers, yes / no / not sure, and
choice words from bot/data/content/form_words.yml."""
