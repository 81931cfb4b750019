# DigitLab — the two Quick start commands are `make run` and `make test`.
SHELL := /bin/bash
PACKAGES := libreadline-dev libpng-dev zlib1g-dev libcairo2-dev \
            libfontconfig-dev fonts-dejavu-core libsixel-dev libssl-dev libturbojpeg0-dev pkg-config python3-nbformat \
            dataset-fashion-mnist
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PREFIX ?= /usr/local
BIN := .build/release/digitlab

.PHONY: run test build deps bench install docs clean fuzz
FUZZ_TARGETS := FuzzIDX FuzzPNG FuzzSafetensors FuzzModel FuzzLesson FuzzCommand FuzzCheckpoint
SECONDS ?= 60

# Install only the Debian packages that are missing (apt-get via sudo when not root).
deps:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null \
	  | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages: $$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	swift build -c release --product digitlab

run: build
	$(BIN)

test: deps
	swift build --build-tests
	swift build --product digitlab
	swift test --skip-build --parallel

# One training epoch per preset against the PyTorch reference numbers (SPEC §9).
bench: build
	@for net in mlp mlp-l lenet5 cnn; do $(BIN) bench --net $$net; done

# Docs/commands.md comes from the command table; a test fails when it is stale.
docs: build
	$(BIN) docs > Docs/commands.md

install: build
	install -d $(PREFIX)/bin $(PREFIX)/share/digitlab
	install -m 755 $(BIN) $(PREFIX)/bin/digitlab
	cp -r data models $(PREFIX)/share/digitlab/
	[ ! -d lessons ] || cp -r lessons $(PREFIX)/share/digitlab/

# libFuzzer on every reader and parser, SECONDS each (seeds in Fuzz/Corpus; absolute paths,
# as the command and checkpoint targets work in a folder of their own); fails on a
# crash and keeps the input in Fuzz/crashes/ (then add it as a regression test).
fuzz: deps
	cd Fuzz && swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
	@mkdir -p Fuzz/crashes
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p .build/fuzz-corpus/$$t; \
	  echo "== $$t for $(SECONDS) s"; \
	  DIGITLAB_HOME=$(CURDIR) LSAN_OPTIONS=suppressions=$(CURDIR)/Fuzz/lsan.supp Fuzz/.build/release/$$t -max_total_time=$(SECONDS) -max_len=65536 -rss_limit_mb=2048 \
	    -artifact_prefix=$(CURDIR)/Fuzz/crashes/$$t- $(CURDIR)/.build/fuzz-corpus/$$t $(CURDIR)/Fuzz/Corpus/$$t 2>&1 | tail -n 2 || exit 1; \
	done

clean:
	rm -rf .build
