"""Fixtures for the portal's tests, run by `make portal-test` in .venv/portal.

DB-backed tests are parametrized over real SQLite and real PostgreSQL (a fresh
database each session, dropped afterwards; unreachable PostgreSQL fails the run
when CI=true). Servers run in subprocesses on free ports.
"""

import sys

try:  # Collected by the assistant's venv (Python 3.10, Rasa's old stack)? Leave these alone.
    import sanic
    import sqlalchemy

    _PORTAL_VENV = sys.version_info >= (3, 11) and int(sqlalchemy.__version__.split(".")[0]) >= 2 \
        and int(sanic.__version__.split(".")[0]) >= 25
except ImportError:
    _PORTAL_VENV = False

if not _PORTAL_VENV:
    collect_ignore_glob = ["test_*.py"]
else:
    from tests.portal.fixtures import *  # noqa: F401,F403
