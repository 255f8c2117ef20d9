# The two set-up commands: `make report` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PERIOD ?=
LANG_REPORT ?= zh

.PHONY: test report lab lint format bench sample clean

# Installing takes a few minutes the first time: each step says what it does and pip shows
# its progress, one line per package.
$(STAMP): pyproject.toml
	@echo "[1/3] making the Python environment in $(VENV)"
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	@echo "[2/3] updating pip"
	@$(BIN)/pip install --upgrade --progress-bar on --disable-pip-version-check pip
	@echo "[3/3] installing kpi-workbook and its dependencies (first time: a few minutes)"
	@$(BIN)/pip install --progress-bar on --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)
	@echo "installed; $(VENV) is ready"

test: $(STAMP)
	$(BIN)/ruff check kpi_helpers tests bench tools
	$(BIN)/ruff format --check kpi_helpers tests bench tools
	$(BIN)/pytest

report: $(STAMP)
	@echo "running the reports of $(if $(PERIOD),$(PERIOD),the latest period) in $(LANG_REPORT) into reports/"
	$(BIN)/kpi-workbook run --data data --out reports --lang $(LANG_REPORT) $(if $(PERIOD),--period $(PERIOD),)

# JupyterLab with the project's kernel on the notebooks folder; kernels started there show the
# interactive controls by default (KPI_WORKBOOK_LAB=1, see kpi_helpers/widgets/mode.py). Its
# config (tools/jupyter_lab_config.py) saves notebooks without outputs, so autosaves never dirty
# the tracked notebooks.
# `make lab LAB_ARGS="--no-browser --port 8890"` passes options on; root needs --allow-root.
LAB_ARGS ?=
lab: $(STAMP)
	$(BIN)/python -m ipykernel install --sys-prefix --name kpi-workbook --display-name "KPI workbook"
	KPI_WORKBOOK_LAB=1 $(BIN)/jupyter lab --config=$(CURDIR)/tools/jupyter_lab_config.py \
		--notebook-dir=notebooks --ip=127.0.0.1 \
		$(if $(filter 0,$(shell id -u)),--allow-root,) $(LAB_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check kpi_helpers tests bench tools

format: $(STAMP)
	$(BIN)/ruff format kpi_helpers tests bench tools

bench: $(STAMP)
	for f in bench/bench_*.py; do $(BIN)/python $$f || exit 1; done

sample: $(STAMP)
	$(BIN)/kpi-workbook sample --out data --force

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
