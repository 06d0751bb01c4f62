# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test check lint bench clean install constraints

# constraints.txt pins every dependency to the version the tests passed with, so a fresh machine installs the same.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# durable-rules builds its C core from source, and its setup.py drops CFLAGS: CPPFLAGS still reaches the
	# compiler, and -O2 makes matching about 30% faster (no cached unoptimised wheel is reused).
	CPPFLAGS=-O2 $(BIN)/pip install --quiet --no-cache-dir -c constraints.txt durable-rules
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# After changing the dependencies in pyproject.toml: install afresh, run the tests, then pin what was installed.
constraints:
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	CPPFLAGS=-O2 $(BIN)/pip install --quiet --no-cache-dir durable-rules==2.0.28
	$(BIN)/pip install --quiet -e '.[dev]'
	{ echo "# Every dependency version the tests passed with (pip freeze; Python 3.11). make install uses it; make"; \
	  echo "# constraints refreshes it after a change in pyproject.toml (then run make test before committing it)."; \
	  $(BIN)/pip freeze --exclude-editable; } > constraints.txt
	touch $(STAMP)

demo: $(STAMP)
	mkdir -p out
	@for case in examples/*.yaml; do \
		$(BIN)/nareis decide $$case --tables decision_tables --format text || exit $$?; \
	done
	$(BIN)/python -m renderers.demo examples out

test: $(STAMP)
	$(BIN)/pytest

check: $(STAMP)
	$(BIN)/nareis check decision_tables
	$(BIN)/nareis coverage decision_tables > /dev/null || $(BIN)/nareis coverage decision_tables

lint: $(STAMP)
	$(BIN)/ruff check engine renderers tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
