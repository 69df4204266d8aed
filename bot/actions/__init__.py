"""Custom actions, one module per capability; rasa-sdk loads every module here."""
