"""Palīgs intake service and staff portal: receives signed intakes from the
assistant and lets a provider's staff review and act on them."""

__version__ = "0.1.0"
