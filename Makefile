# Palīgs task index. `make help` lists the targets.
SHELL := /bin/bash
ENV_FILE ?= $(if $(wildcard .env),.env,.env.example)
include $(ENV_FILE)
export

BOT_VENV := .venv/bot
BOT_BIN := $(BOT_VENV)/bin
PY := $(BOT_BIN)/python
RASA := $(BOT_BIN)/rasa
LINT_VENV := .venv/lint
export PYTHONPATH := $(CURDIR)
export PYTHONDONTWRITEBYTECODE := 1
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
# The sentence encoder serves on one OpenMP thread (bot/encoder/sentence.py); training uses every core.
# OpenMP reads OMP_NUM_THREADS when a process starts, so each command sets it in its environment.
export OMP_NUM_THREADS := 1
# nproc obeys OMP_NUM_THREADS, which a sub-make inherits as 1: ask it without.
TRAIN_THREADS := $(shell env -u OMP_NUM_THREADS nproc 2>/dev/null || echo 1)

TRAINING_DATA := $(shell find bot/data/nlu bot/data/rules -name '*.yml' 2>/dev/null)
PO_FILES := $(wildcard bot/locales/*/LC_MESSAGES/messages.po)
MODEL := models/paligs.tar.gz

.PHONY: help setup run run-production test nlu-check train i18n i18n-update validate lint ruff bench clean system-packages posters

# The intake service and staff portal: its own venv and targets (portal-*).
include portal.mk

help: ## list the targets
	@grep -hE '^[a-z0-9-]+:.*## ' Makefile portal.mk | awk -F ':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BOT_VENV)/.installed: requirements/bot.txt requirements/bot.lock
	rm -rf $(BOT_VENV)
	"$$(scripts/find-python310)" -m venv $(BOT_VENV)
	$(PY) -m pip install --quiet --upgrade "pip==24.3.1"
	$(PY) -m pip install --quiet -r requirements/bot.txt -c requirements/bot.lock
	touch $@

# ruff and kubernetes-validate (the deploy/kubernetes/ tests), in a small venv of their own: neither
# needs Rasa's stack.
$(LINT_VENV)/.installed: requirements/lint.txt
	rm -rf $(LINT_VENV)
	python3 -m venv $(LINT_VENV)
	$(LINT_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements/lint.txt
	touch $@

bot/web/node_modules/.installed: bot/web/package.json bot/web/package-lock.json
	npm ci --prefix bot/web --no-audit --no-fund --loglevel=error
	touch $@

# Compiled catalogs and the responses built from them (rewritten only on change).
build/.i18n: $(BOT_VENV)/.installed $(PO_FILES) bot/responses.yml bot/data/content/contacts.yml bot/data/content/languages.yml bot/data/content/indicators.yml $(ENV_FILE)
	$(PY) -m bot i18n compile
	$(PY) -m bot build
	touch $@

# The encoder and classifier code shape what is learned; the other components are read at run time.
MODEL_CODE := bot/server/encoder.py bot/server/intent_classifier.py $(wildcard bot/encoder/*.py) bot/language/accents.py

$(MODEL): $(BOT_VENV)/.installed build/.i18n config.yml domain.yml $(TRAINING_DATA) $(wildcard build/nlu/*.yml) $(MODEL_CODE)
	OMP_NUM_THREADS=$(TRAIN_THREADS) ENCODER_THREADS=$(TRAIN_THREADS) $(RASA) train --domain build/domain --config config.yml \
	  --data bot/data/nlu bot/data/rules build/nlu --out models --fixed-model-name paligs

setup: $(BOT_VENV)/.installed bot/web/node_modules/.installed build/.i18n ## create venvs, install, compile catalogs

train: setup $(MODEL) ## train the model if data, config or responses changed

i18n: setup ## compile the catalogs and rebuild the responses
	$(PY) -m bot i18n check

i18n-update: $(BOT_VENV)/.installed ## extract new strings into bot/locales/*.po (then translate them)
	$(PY) -m bot i18n update
	$(PY) -m bot i18n check || true

run: train portal-setup ## set up, train if needed, start everything (Ctrl-C stops)
	scripts/run-all

run-production: train portal-setup ## nginx (TLS) and two Rasa replicas on PostgreSQL and Redis (Ctrl-C stops)
	scripts/ensure-system-packages nginx openssl
	scripts/run-production

validate: setup ## rasa data validate --fail-on-warning
	$(RASA) data validate --fail-on-warning --domain build/domain --config config.yml \
	  --data bot/data/nlu bot/data/rules build/nlu

system-packages:
	scripts/ensure-system-packages

# WeasyPrint lays the pages out through Debian's Pango; the fonts are Debian's Noto.
posters: $(BOT_VENV)/.installed build/.i18n ## QR codes, A5 posters and cards of every campaign (build/posters/, index.json)
	scripts/ensure-system-packages libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core
	$(PY) -m bot qr --all --out build/posters

ruff: $(LINT_VENV)/.installed ## ruff on the whole tree (config: ruff.toml)
	$(LINT_VENV)/bin/ruff check .

test: system-packages ruff train portal-setup ## set up, train if needed, run the whole suite
	$(PY) -m pytest tests --ignore=tests/portal
	@# The NLU report (mostly one core) and the portal's suite side by side, each one's output whole.
	$(MAKE) -j2 --output-sync=target nlu-check portal-test

nlu-check: train ## the held-out NLU report; fails below the floors (bot/tooling/nlu_report.py)
	OMP_NUM_THREADS=$(TRAIN_THREADS) ENCODER_THREADS=$(TRAIN_THREADS) $(PY) -m bot nlu-report --check

lint: ruff validate i18n ## ruff, rasa data validation and catalog completeness

bench: train ## benchmarks: training time, latency and memory next to stock Rasa (BENCH=training|latency|throughput|load)
	$(PY) bench/run.py $(BENCH)

clean: ## remove venvs, builds and models (keeps var/)
	rm -rf .venv build models bot/web/node_modules
