"""The hotline and providers as data: the contact book, opening hours, contact cards."""
