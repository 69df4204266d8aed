"""Palīgs: a multilingual helpline assistant (Rasa Open Source 3.6)."""
