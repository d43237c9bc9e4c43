# coursepack — every target creates .venv on first use; later runs do not reinstall.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
COURSE ?= course
OUT    ?= build
CP     := $(BIN)/coursepack

.DEFAULT_GOAL := help
LOCK   := requirements.lock
UV_VERSION := 0.13.9

.PHONY: help validate preview scorm scorm12 scorm2004 cc moodle moodle-backup handbook pdf all test test-quick bench clean schema lock

help:
	@echo "coursepack — make targets"
	@echo "  make validate    check the course source in $(COURSE)/ and report every problem"
	@echo "  make preview     serve $(COURSE)/ on 127.0.0.1 as the LMS shows it, rebuilt on every save"
	@echo "  make scorm       build $(OUT)/<course-id>-scorm12.zip   (SCORM 1.2, the edition Moodle supports best)"
	@echo "  make scorm2004   build $(OUT)/<course-id>-scorm2004.zip (SCORM 2004 4th edition)"
	@echo "  make cc          build $(OUT)/<course-id>-cc.imscc     (IMS Common Cartridge 1.1)"
	@echo "  make moodle      build $(OUT)/<course-id>-moodle.xml    (Moodle XML question bank)"
	@echo "  make moodle-backup  build $(OUT)/<course-id>-moodle-backup.mbz (Moodle course backup: the whole course)"
	@echo "  make handbook    build $(OUT)/<course-id>-handbook.pdf  (printable handbook; alias: make pdf)"
	@echo "  make all         build everything"
	@echo "  make test        run the whole test suite (what CI runs)"
	@echo "  make test-quick  the test suite without the slow, browser and Moodle tests"
	@echo "  make lock        refresh $(LOCK) to the newest releases pyproject.toml allows"
	@echo "  make bench       run the benchmark and write bench/results.md (SIZES=\"S M\" for fewer)"
	@echo "  make schema      write the JSON Schema of the source files to schema/"
	@echo "  make clean       remove $(OUT)/"
	@echo "Variables: COURSE=dir (default course), OUT=dir (default build)"

# Installs exactly the committed lock (every package pinned, with its hashes), then coursepack
# itself from this checkout (editable, without resolving anything again).
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

# Resolve the whole tree again (runtime, test extra and the build backend) for every platform
# and Python >= 3.11, newest releases first; then run `make test` and commit the lock.
lock:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv==$(UV_VERSION)
	echo 'setuptools>=77' | $(BIN)/uv pip compile pyproject.toml - --extra test --generate-hashes \
	  --universal --python-version 3.11 --upgrade --quiet --custom-compile-command 'make lock' -o $(LOCK)

validate: $(STAMP)
	$(CP) validate --course $(COURSE)

preview: $(STAMP)
	$(CP) preview --course $(COURSE)

scorm scorm12: $(STAMP)
	$(CP) build scorm12 --course $(COURSE) --out $(OUT)

scorm2004: $(STAMP)
	$(CP) build scorm2004 --course $(COURSE) --out $(OUT)

cc: $(STAMP)
	$(CP) build cc --course $(COURSE) --out $(OUT)

moodle: $(STAMP)
	$(CP) build moodle --course $(COURSE) --out $(OUT)

moodle-backup: $(STAMP)
	$(CP) build moodle-backup --course $(COURSE) --out $(OUT)

handbook pdf: $(STAMP)
	$(CP) build handbook --course $(COURSE) --out $(OUT)

all: $(STAMP)
	$(CP) build all --course $(COURSE) --out $(OUT)

schema: $(STAMP)
	$(CP) schema --out schema

node_modules/.installed: package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

test: $(STAMP)
	@if command -v npm >/dev/null 2>&1 && [ -f package-lock.json ]; then $(MAKE) --no-print-directory node_modules/.installed; fi
	$(BIN)/pytest -q

test-quick: $(STAMP)
	$(BIN)/pytest -q -m "not slow and not browser and not moodle"

bench: $(STAMP)
	$(BIN)/python bench/run.py $(SIZES)

clean:
	rm -rf $(OUT)
