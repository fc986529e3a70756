# The two commands a newcomer needs: `make run` and `make test`. Each sets up what it needs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test lint bench bench-http translations extract-messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

translations: $(STAMP)
	@$(BIN)/pybabel --quiet compile -d intake/translations

## run: the demo on SQLite at http://127.0.0.1:5000, with the worker and local mail and SMS sinks
## (two-factor sign-in not required, so that the demo accounts sign in with the demo password)
run: $(STAMP) translations
	@mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) intake demo --if-empty --items 5000
	@echo "Outgoing e-mail is saved under instance/mail/ (one .eml file per message),"
	@echo "SMS under instance/sms/ (one .txt file per message); letters to post: /officer/letters."
	@trap 'kill 0' INT TERM EXIT; \
	  $(BIN)/python scripts/mail_sink.py instance/mail & \
	  $(BIN)/python scripts/sms_sink.py instance/sms & \
	  INTAKE_DEMO_BANNER=true INTAKE_REQUIRE_2FA=false $(FLASK) intake worker & \
	  INTAKE_DEMO_BANNER=true INTAKE_REQUIRE_2FA=false $(FLASK) run --host 127.0.0.1 --port 5000

## test: the whole suite on SQLite, then on PostgreSQL when INTAKE_TEST_DATABASE_URL is set
test: $(STAMP) translations
	INTAKE_TEST_DATABASE_URL= $(BIN)/pytest -q -n auto
	@if [ -n "$$INTAKE_TEST_DATABASE_URL" ]; then \
	  echo "== again on $$INTAKE_TEST_DATABASE_URL"; \
	  $(BIN)/pytest -q -n auto; \
	fi

## fuzz: the fuzzer of every route and form with 10,000 requests per test, on SQLite and then on
## PostgreSQL when INTAKE_TEST_DATABASE_URL is set (make test runs a few hundred)
.PHONY: fuzz
fuzz: $(STAMP) translations
	INTAKE_TEST_DATABASE_URL= INTAKE_FUZZ_EXAMPLES=10000 $(BIN)/pytest -q -p no:logging tests/fuzz
	@if [ -n "$$INTAKE_TEST_DATABASE_URL" ]; then \
	  INTAKE_FUZZ_EXAMPLES=10000 $(BIN)/pytest -q -p no:logging tests/fuzz; \
	fi

## two-nodes: two gunicorn nodes, two workers, PostgreSQL and Redis on loopback (about 30 s):
## submissions and logins to both nodes; rate limits, e-mail once each and the report figures.
## TWO_NODES_POSTGRES_URL and TWO_NODES_REDIS_URL move it (127.0.0.1 only).
.PHONY: two-nodes
two-nodes: $(STAMP) translations
	$(BIN)/python scripts/two_nodes.py

## bench: timings that tests must not assert on (shared machine: compare ratios in one run).
## The reports part generates a million items per database: it takes the better part of an hour.
bench: $(STAMP) translations
	$(BIN)/python bench/bench_tick.py 10000 100000
	$(BIN)/python bench/bench_reports.py 10000 100000 1000000
	$(BIN)/python bench/bench_http.py 5000 100000 1000000

## bench-http: the public pages and the intake queue under wrk, beside a bare Flask endpoint,
## on SQLite and PostgreSQL at 5,000 and 100,000 items (a few minutes; needs Debian's wrk)
bench-http: $(STAMP) translations
	$(BIN)/python bench/bench_http.py 5000 100000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs ".* .venv" -o intake/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i intake/translations/messages.pot -d intake/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
