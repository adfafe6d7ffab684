# The developer interface. `make run` and `make test` do all set-up on a fresh machine.
PY      := .venv/bin/python
DATA    := data
DB      := $(DATA)/moderation.db
POSTS   ?= 20000
PORT    ?= 8501
export DATABASE_URL ?= sqlite:///$(DB)

.PHONY: run test lint fmt rules demo-data system-deps clean

.venv/.installed: requirements.txt
	python3 -m venv .venv
	.venv/bin/pip install -q -r requirements.txt
	touch $@

.venv/.dev-installed: .venv/.installed requirements-dev.txt
	.venv/bin/pip install -q -r requirements-dev.txt
	touch $@

# Debian packages the tests use for real: PostgreSQL (client and server), Redis, Chromium.
system-deps:
	@command -v redis-server >/dev/null && command -v chromium >/dev/null \
	  && command -v pg_ctl >/dev/null || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 \
	  && command -v redis-server >/dev/null && command -v chromium >/dev/null \
	  || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      postgresql redis-server chromium chromium-driver >/dev/null)

demo-data: .venv/.installed
	mkdir -p $(DATA)
	$(PY) -m moderation simulate --posts $(POSTS) --seed 1 > $(DATA)/surge.jsonl
	$(PY) -m moderation ingest --no-progress $(DATA)/surge.jsonl

run: demo-data
	PYTHONPATH=. .venv/bin/streamlit run dashboard/streamlit_app.py \
	  --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

test: .venv/.dev-installed system-deps
	$(PY) -m pytest
	$(PY) -m rules check
	$(PY) -m rules test

rules: .venv/.installed
	$(PY) -m rules check && $(PY) -m rules test

lint: .venv/.dev-installed
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

fmt: .venv/.dev-installed
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

clean:
	rm -rf $(DATA) .pytest_cache
