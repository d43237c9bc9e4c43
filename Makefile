# coursepack — every target creates .venv on first use; later runs do not reinstall.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
COURSE ?= course
OUT    ?= build
CP     := $(BIN)/coursepack

.DEFAULT_GOAL := help
.PHONY: help validate scorm scorm12 scorm2004 moodle handbook pdf all test bench clean schema

help:
	@echo "coursepack — make targets"
	@echo "  make validate    check the course source in $(COURSE)/ and report every problem"
	@echo "  make scorm       build $(OUT)/<course-id>-scorm12.zip   (SCORM 1.2, the edition Moodle supports best)"
	@echo "  make scorm2004   build $(OUT)/<course-id>-scorm2004.zip (SCORM 2004 4th edition)"
	@echo "  make moodle      build $(OUT)/<course-id>-moodle.xml    (Moodle XML question bank)"
	@echo "  make handbook    build $(OUT)/<course-id>-handbook.pdf  (printable handbook; alias: make pdf)"
	@echo "  make all         build everything"
	@echo "  make test        run the test suite"
	@echo "  make bench       run the benchmark and write bench/results.md (SIZES=\"S M\" for fewer)"
	@echo "  make schema      write the JSON Schema of the source files to schema/"
	@echo "  make clean       remove $(OUT)/"
	@echo "Variables: COURSE=dir (default course), OUT=dir (default build)"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

validate: $(STAMP)
	$(CP) validate --course $(COURSE)

scorm scorm12: $(STAMP)
	$(CP) build scorm12 --course $(COURSE) --out $(OUT)

scorm2004: $(STAMP)
	$(CP) build scorm2004 --course $(COURSE) --out $(OUT)

moodle: $(STAMP)
	$(CP) build moodle --course $(COURSE) --out $(OUT)

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

bench: $(STAMP)
	$(BIN)/python bench/run.py $(SIZES)

clean:
	rm -rf $(OUT)
