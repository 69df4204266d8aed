# The intake service and staff portal (portal/), in its own venv on the
# machine's current Python 3 (3.11+). Included by the Makefile; also usable
# alone: `make -f portal.mk portal-test`.

# Included anywhere in the Makefile, this file must not change its default goal.
_PORTAL_DEFAULT_GOAL := $(.DEFAULT_GOAL)

PORTAL_VENV := .venv/portal
PORTAL_PY := $(PORTAL_VENV)/bin/python
PORTAL_PYTHON ?= python3
PORTAL_PO := $(wildcard portal/locales/*/LC_MESSAGES/messages.po)
PORTAL_MO := $(PORTAL_PO:.po=.mo)

.PHONY: portal-setup portal-test portal-run portal-i18n

$(PORTAL_VENV)/.installed: requirements/portal.txt requirements/portal.lock
	@$(PORTAL_PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
	  echo "portal needs Python 3.11 or newer as '$(PORTAL_PYTHON)' (found: $$($(PORTAL_PYTHON) --version 2>&1))." >&2; \
	  echo "Install it (Debian: apt-get install python3 python3-venv) or run make PORTAL_PYTHON=/path/to/python3.12" >&2; \
	  exit 1; }
	rm -rf $(PORTAL_VENV)
	$(PORTAL_PYTHON) -m venv $(PORTAL_VENV)
	$(PORTAL_PY) -m pip install --quiet --disable-pip-version-check -r requirements/portal.txt -c requirements/portal.lock
	touch $@

# Compiled catalogs (*.mo are not committed).
portal/locales/%/LC_MESSAGES/messages.mo: portal/locales/%/LC_MESSAGES/messages.po $(PORTAL_VENV)/.installed
	$(PORTAL_PY) -m portal i18n compile

portal-setup: $(PORTAL_VENV)/.installed $(PORTAL_MO) ## portal: venv, pinned packages, compiled catalogs

portal-i18n: $(PORTAL_VENV)/.installed ## portal: extract new strings into portal/locales (then translate them)
	$(PORTAL_PY) -m portal i18n extract

portal-test: portal-setup ## portal: the portal's tests (SQLite and PostgreSQL, API, security, browser, SMTP)
	$(PORTAL_PY) -m pytest -c tests/portal/pytest.ini --rootdir tests/portal -p no:cacheprovider tests/portal

portal-run: portal-setup ## portal: migrate the database and serve on port 8080
	$(PORTAL_PY) -m portal db upgrade
	$(PORTAL_PY) -m portal serve --port 8080 --no-migrate

.DEFAULT_GOAL := $(_PORTAL_DEFAULT_GOAL)
