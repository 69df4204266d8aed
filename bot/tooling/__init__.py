"""Command-line tooling (`python -m bot ...`): building the domain, the
catalogs, reports and retention. No server loads these modules."""
