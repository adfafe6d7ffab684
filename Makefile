# The developer interface. `make run` and `make test` do all set-up on a fresh machine.
PY      := .venv/bin/python
DATA    := data
DB      := $(DATA)/moderation.db
POSTS   ?= 20000
PORT    ?= 8501
export DATABASE_URL ?= sqlite:///$(DB)

.PHONY: run test lint fmt rules demo-data system-deps bench-queue clean

.venv/.installed: requirements.txt
	python3 -m venv .venv
	.venv/bin/pip install -q -r requirements.txt
	touch $@

.venv/.dev-installed: .venv/.installed requirements-dev.txt
	.venv/bin/pip install -q -r requirements-dev.txt
	touch $@

# Debian packages the tests use for real: PostgreSQL, Redis, Chromium (with CJK and emoji fonts,
# or screenshots show Chinese posts and page icons as boxes). Installed only when missing; without
# root the tests that need them are skipped with the reason.
system-deps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v chromium >/dev/null && command -v chromedriver >/dev/null \
	  || missing="$$missing chromium chromium-driver"; \
	fc-list :lang=zh 2>/dev/null | grep -q . || missing="$$missing fonts-noto-cjk"; \
	fc-list 2>/dev/null | grep -qi emoji || missing="$$missing fonts-noto-color-emoji"; \
	if [ -n "$$missing" ]; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing \
	    >/dev/null) || echo "warning: could not install$$missing; tests that need them skip"; \
	fi

demo-data: .venv/.installed
	mkdir -p $(DATA)
	$(PY) -m moderation simulate --posts $(POSTS) --seed 1 > $(DATA)/surge.jsonl
	$(PY) -m moderation ingest --no-progress $(DATA)/surge.jsonl
	@for role in moderator policy engineer admin; do \
	  $(PY) -m moderation users add $$role --role $$role --password demo-$$role --exist-ok; done
	@echo "Log in at http://localhost:$(PORT) as moderator / demo-moderator"
	@echo "  (also policy / demo-policy, engineer / demo-engineer, admin / demo-admin)"

run: demo-data
	PYTHONPATH=. .venv/bin/streamlit run dashboard/streamlit_app.py \
	  --server.port $(PORT) --server.headless true --browser.gatherUsageStats false \
	  --client.toolbarMode viewer

test: .venv/.dev-installed system-deps
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy moderation db rules dashboard bench
	$(PY) -m pytest
	$(PY) -m rules check
	$(PY) -m rules test

rules: .venv/.installed
	$(PY) -m rules check && $(PY) -m rules test

bench-queue: .venv/.installed system-deps
	$(PY) -m bench.queue_bench --quick

lint: .venv/.dev-installed
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy moderation db rules dashboard bench

fmt: .venv/.dev-installed
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

clean:
	rm -rf $(DATA) .pytest_cache
