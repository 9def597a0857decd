# Two commands for a fresh Debian/Ubuntu machine: `make run` and `make test`.
# Each installs what is missing: Debian packages (as root or with sudo) and a .venv.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd poppler-utils fonts-liberation2 python3-venv
SAMPLE ?= samples/header.png

.PHONY: run test bench bench-service docker-test samples system-deps venv clean

run: system-deps venv
	$(BIN)/vanban ocr $(SAMPLE) -o -

test: system-deps venv
	$(BIN)/python -m pytest

# The service tests start a throwaway redis-server on a loopback port: installed for `make test` only.
test: WITH_TEST_DEPS := yes

# Baselines are optional: OCRmyPDF (Debian) and pyvi (PyPI) are tried, and left out of the tables if missing.
bench: system-deps venv
	-@command -v ocrmypdf >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ocrmypdf >/dev/null; } || true
	-@$(BIN)/python -m pip install -q -e '.[test,bench]' || true
	$(BIN)/python bench/ocr_bench.py --out docs/benchmarks.md
	$(BIN)/python bench/restore_bench.py --out docs/benchmarks.md
	$(BIN)/python bench/pdf_bench.py --out docs/benchmarks.md
	$(BIN)/python bench/order_safety.py --split heldout --out docs/benchmarks.md
	$(BIN)/python bench/registers_bench.py --split heldout --out docs/benchmarks.md
	$(BIN)/python bench/textlayer_bench.py
	$(BIN)/python bench/make_ocr_pairs.py --split heldout --pages 90 --out build/ocr-pairs/heldout.jsonl
	$(BIN)/python bench/ocr_repair_bench.py build/ocr-pairs/heldout.jsonl --out docs/benchmarks.md
	$(BIN)/python bench/register_bench.py --set both --levels clean office --docs 30 --out build/register-bench
	$(BIN)/python bench/scan_bench.py --split heldout --ocrmypdf --out docs/benchmarks.md
	$(BIN)/python bench/real_inputs_bench.py --out docs/benchmarks.md

# Load test of `vanban serve` on loopback (50 one-page uploads, 8 clients); updates the Service section.
bench-service: system-deps venv
	$(BIN)/python bench/service_bench.py --out docs/benchmarks.md

# Builds the Docker image with buildah (no Docker engine needed) and smoke-tests it; not part of `make test`.
docker-test:
	bash docker/build-and-test.sh

samples: system-deps venv
	$(BIN)/python samples/make_samples.py

# Installs the Debian packages only when something is missing, so it is quick to repeat.
system-deps:
	@missing=""; \
	command -v tesseract >/dev/null 2>&1 || missing="$$missing tesseract-ocr"; \
	if command -v tesseract >/dev/null 2>&1; then \
	  langs="$$(tesseract --list-langs 2>/dev/null)"; \
	  echo "$$langs" | grep -qx vie || missing="$$missing tesseract-ocr-vie"; \
	  echo "$$langs" | grep -qx osd || missing="$$missing tesseract-ocr-osd"; \
	else missing="$$missing tesseract-ocr-vie tesseract-ocr-osd"; fi; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	[ -f /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ] || missing="$$missing fonts-liberation2"; \
	$(PYTHON) -c 'import ensurepip, venv' >/dev/null 2>&1 || missing="$$missing python3-venv"; \
	[ -z "$(WITH_TEST_DEPS)" ] || command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	  elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; \
	  else echo "vanban needs these Debian packages:$$missing; run as root: apt-get install$$missing" >&2; exit 4; fi; \
	  echo "installing:$$missing"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

venv: $(STAMP)

$(STAMP): pyproject.toml
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
