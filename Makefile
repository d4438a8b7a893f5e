# Portail Famille.  `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV      ?= .venv
PYTHON    ?= $(shell command -v python3.11 || command -v python3)
BIN       := $(VENV)/bin
# Debian packages.  Serving: PDF rendering (wkhtmltopdf; pango for
# WeasyPrint, the fallback), libmagic for uploads, fonts.  The tests add
# Chromium (browser tests) and PostgreSQL (the RelStorage tests: each starts
# its own cluster on 127.0.0.1), nginx and logrotate (etc/'s site and file
# checked by them, tests/functional/test_deploiement.py).
SYSTEM_serve := wkhtmltopdf libpango-1.0-0 libpangoft2-1.0-0 libmagic1 fonts-dejavu-core
SYSTEM_test  := $(SYSTEM_serve) chromium postgresql nginx-light logrotate
SYSTEM_bench := $(SYSTEM_serve)
SYSTEM_PACKAGES ?= $(SYSTEM_test)
# What each target installs in the virtualenv: serving needs the package
# alone; the tests and the bench add their extras (setup.py).  One stamp
# per set, so that `make serve` then `make test` installs what is missing.
EXTRAS_serve :=
EXTRAS_test  := [test]
EXTRAS_bench := [test,bench]
SERVE := $(VENV)/.installed-serve
TEST  := $(VENV)/.installed-test
BENCH := $(VENV)/.installed-bench
# Lighthouse (npm), for bench/lighthouse.py: installed beside the venv, never globally.
LIGHTHOUSE := $(VENV)/node/node_modules/.bin/lighthouse

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

system: ## Install the Debian packages that are missing (needs root)
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if ! $(PYTHON) -c 'import ensurepip, venv' >/dev/null 2>&1; then missing="$$missing python3-venv"; fi; \
	if [ -n "$$missing" ]; then \
	  echo "apt-get install$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -q && apt-get install -y -q --no-install-recommends $$missing; \
	fi

$(VENV)/.installed-%: setup.py constraints.txt
	$(MAKE) system SYSTEM_PACKAGES="$(SYSTEM_$*)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.$(EXTRAS_$*)'
	touch $@

install: $(TEST) $(BENCH) ## Create the virtualenv and install everything (serving, tests, bench)

serve: $(SERVE) ## Install what serving needs, load the demo data (idempotent), serve http://127.0.0.1:6543
	$(BIN)/portail-famille-demo development.ini
	$(BIN)/pserve development.ini

lint: $(TEST) ## ruff check + ruff format --check + lint-imports (the layers of .importlinter)
	$(BIN)/ruff check portail_famille tests bench
	$(BIN)/ruff format --check portail_famille tests bench
	$(BIN)/lint-imports

# Two workers; each test file runs whole on one of them (a module's shared
# application, logins and sweeps are made once, not once per worker), the
# long files (marked lent) first, in the collection's order.
# pytest-randomly shuffles the order and prints its seed
# (--randomly-seed=N replays that order).
test: $(TEST) lint ## Install the test tools, then the whole test suite (unit, functional, browser)
	$(BIN)/pytest -n 2 --dist loadfile --no-loadscope-reorder -p no:cacheprovider --durations=25 tests

$(LIGHTHOUSE):
	command -v npm >/dev/null || apt-get install -y --no-install-recommends nodejs npm
	npm install --prefix $(VENV)/node --no-audit --no-fund lighthouse@12.8.2

bench: $(BENCH) $(LIGHTHOUSE) ## Benchmarks (production template settings): figures against a baseline of the same run
	$(BIN)/python bench/home.py --set pyramid.reload_templates=false
	$(BIN)/python bench/demandes.py
	$(BIN)/python bench/recherche.py
	$(BIN)/python bench/planning.py
	$(BIN)/python bench/repas.py
	$(BIN)/python bench/statistiques.py
	$(BIN)/python bench/facturation.py
	$(BIN)/python bench/prelevement.py
	$(BIN)/python bench/pdf.py
	$(BIN)/python bench/messagerie.py
	$(BIN)/python bench/fichiers.py
	$(BIN)/python bench/ouverture.py
	$(BIN)/python bench/ouverture_profil.py
	$(BIN)/python bench/conflits.py
	$(BIN)/python bench/connexion.py
	$(BIN)/python bench/caisse.py
	$(BIN)/python bench/pes.py
	$(BIN)/python bench/relances.py
	$(BIN)/python bench/releve.py
	$(BIN)/python bench/lighthouse.py --lighthouse $(LIGHTHOUSE)

# Backups of var/ (FileStorage): incremental, or FULL=1; restore to DATE
# (UTC AAAA-MM-JJ-hh-mm-ss, default the latest) into TO (an empty directory).
BACKUPS ?= var/backups
TO      ?= var/restored
backup: $(SERVE) ## Back up var/Data.fs and var/blobs into $(BACKUPS) (incremental; FULL=1: full)
	$(BIN)/python -m portail_famille.sauvegarde backup var/Data.fs var/blobs $(BACKUPS) $(if $(FULL),--full)

restore: $(SERVE) ## Restore $(BACKUPS) as of DATE (UTC; default the latest) into $(TO)/Data.fs and $(TO)/blobs
	$(BIN)/python -m portail_famille.sauvegarde restore $(BACKUPS) $(TO)/Data.fs $(if $(DATE),--date $(DATE))

# Several processes on one machine (README: "Several processes, several
# machines"): the ZEO server of etc/zeo.conf (var/Data.fs, var/blobs), a new
# database initialised by one process, then N processes of $(INI) on ports
# $(PORT), $(PORT)+1... each with its own blob cache var/blobcache-<port>.
# The processes read PORTAIL_FAMILLE_ZODB_URI (e.g. zeo://127.0.0.1:8100)
# and the other secrets from the environment.
INI  ?= production.ini
N    ?= 2
PORT ?= 6543
zeo: $(SERVE) ## Start the ZEO server of etc/zeo.conf on 127.0.0.1:8100 (var/Data.fs, var/blobs)
	$(BIN)/runzeo -C etc/zeo.conf

init: $(SERVE) ## Initialise a new database with ONE process (INI=production.ini), before `make processes`
	$(BIN)/portail-famille-init $(INI)

processes: $(SERVE) ## Start N processes of $(INI) on ports PORT.. (N=2 PORT=6543); Ctrl-C stops them
	@mkdir -p var/log; trap 'kill $$(jobs -p) 2>/dev/null' INT TERM EXIT; \
	for i in $$(seq 0 $$(($(N) - 1))); do \
	  port=$$(($(PORT) + i)); \
	  $(BIN)/pserve $(INI) http_port=$$port >> var/log/pserve-$$port.log 2>&1 & \
	  echo "process $$! on 127.0.0.1:$$port, log var/log/pserve-$$port.log"; \
	done; wait

deploy-check: $(SERVE) ## Check a production configuration before start (INI=production.ini, with its environment)
	$(BIN)/portail-famille-verifier $(INI)

clean: ## Remove the virtualenv (var/ keeps the data)
	rm -rf $(VENV)

.PHONY: help system install serve lint test bench backup restore zeo init processes deploy-check clean
