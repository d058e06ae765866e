# 微贷实训 Microloan Lab. Two commands for a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8866
# Notebooks of the lesson in progress to keep warm kernels for, e.g. `make serve WARM=04c,04e` (WARM_SIZE each)
WARM   ?=
WARM_SIZE ?= 2
ROSTER ?= roster.csv

.PHONY: serve classroom lab test bench typecheck clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Runtime install (package + Voila + JupyterLab), redone when pyproject.toml changes.
$(VENV)/.runtime: $(VENV)/bin/activate pyproject.toml
	$(PY) -m pip install --quiet -e .
	touch $@

# Test install: the test extra, plus Debian's Chromium and a CJK font for the browser tests, and Debian's
# PostgreSQL server for the gradebook tests (they start a private server on a free loopback port).
$(VENV)/.test: $(VENV)/.runtime
	$(PY) -m pip install --quiet -e ".[test]"
	bash tools/install_browser.sh
	bash tools/install_postgresql.sh
	bash tools/install_hub_proxy.sh
	touch $@

serve: $(VENV)/.runtime
	$(VENV)/bin/microloan serve --port $(PORT) $(if $(WARM),--warm $(WARM) --warm-size $(WARM_SIZE))

# A class behind JupyterHub: learners log in with the accounts of $(ROSTER) (账号,初始密码,角色).
classroom: $(VENV)/.runtime
	bash tools/install_hub_proxy.sh
	$(VENV)/bin/microloan classroom --roster $(ROSTER)

lab: $(VENV)/.runtime
	$(VENV)/bin/microloan lab

test: $(VENV)/.test
	$(PY) -m pytest

bench: $(VENV)/.test
	$(PY) bench/bench_statements.py
	$(PY) bench/bench_offsite.py
	$(PY) bench/bench_detection.py
	$(PY) bench/bench_grading.py
	$(PY) bench/bench_dashboards.py
	$(PY) bench/bench_classroom.py

typecheck: $(VENV)/.test
	$(PY) -m mypy

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis
