# switchboard: `make demo` runs it against the built-in mock upstream; `make test` runs the tests.
SWIFT ?= swift
CONFIGURATION ?= debug
BIN = .build/$(CONFIGURATION)/switchboard
SYSTEM_PACKAGES = libsqlite3-dev libcurl4-openssl-dev libzstd-dev postgresql
# postgresql: the tests start a throwaway server of their own (initdb in a temporary folder), never the system service.
# For the status page's real-browser test (DashboardBrowserTests); CI installs it, `make test` runs it when present.
BROWSER_PACKAGES = chromium

.PHONY: deps browser-deps build release test fuzz demo bench conformance clean static-release install uninstall install-service uninstall-service

# Installs the C libraries switchboard links against, when they are missing.
deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "installing$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "missing system packages:$$missing — run: sudo apt-get install -y$$missing" >&2; exit 1; fi; \
	fi

# Installs headless Chromium for the browser test, when missing (`make test` asks for it; without root
# it only says the browser test will be skipped, which CI does not allow).
browser-deps:
	@if [ "$$(id -u)" = 0 ]; then $(MAKE) --no-print-directory deps SYSTEM_PACKAGES="$(BROWSER_PACKAGES)"; \
	else for p in $(BROWSER_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo "note: $$p is missing, so the browser test is skipped (sudo apt-get install -y $$p)"; done; fi

build: deps
	$(SWIFT) build -c $(CONFIGURATION) --product switchboard

release: deps
	$(SWIFT) build -c release

test: deps browser-deps
	$(SWIFT) build --build-tests
	@SWIFT=$(SWIFT) bash Tests/run-suite.sh

# libFuzzer on the parsers and translators, FUZZ_SECONDS each (Fuzz/run.sh; corpus in Fuzz/corpus).
FUZZ_SECONDS ?= 120
fuzz:
	@bash Fuzz/run.sh $(FUZZ_SECONDS)

demo: build
	@BIN=$(BIN) bash bench/demo.sh

bench: deps
	@bash bench/run.sh $(if $(QUICK),--quick,)

conformance: build
	@bash Tests/conformance/run.sh

clean:
	rm -rf .build

# Installing (see README, "Running it as a service"). `make static-release && sudo make install`;
# PREFIX (default /usr/local) and DESTDIR as usual; INSTALL_BIN installs another build of the binary.
PREFIX ?= /usr/local
INSTALL_BIN ?= .build/release/switchboard
BINDIR = $(DESTDIR)$(PREFIX)/bin
BASH_COMPLETIONS = $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSH_COMPLETIONS = $(DESTDIR)$(PREFIX)/share/zsh/site-functions
FISH_COMPLETIONS = $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
INSTALLED = $(BINDIR)/switchboard $(BASH_COMPLETIONS)/switchboard $(ZSH_COMPLETIONS)/_switchboard $(FISH_COMPLETIONS)/switchboard.fish

# A release binary with the Swift runtime linked in: the service user need not reach the toolchain.
static-release: deps
	$(SWIFT) build -c release --product switchboard --static-swift-stdlib

.build/release/switchboard:
	$(MAKE) static-release

install: $(INSTALL_BIN)
	install -d $(BINDIR) $(BASH_COMPLETIONS) $(ZSH_COMPLETIONS) $(FISH_COMPLETIONS)
	install -m 755 $(INSTALL_BIN) $(BINDIR)/switchboard
	$(INSTALL_BIN) --generate-completion-script bash > $(BASH_COMPLETIONS)/switchboard
	$(INSTALL_BIN) --generate-completion-script zsh > $(ZSH_COMPLETIONS)/_switchboard
	$(INSTALL_BIN) --generate-completion-script fish > $(FISH_COMPLETIONS)/switchboard.fish
	@echo "installed switchboard $$($(BINDIR)/switchboard --version) in $(BINDIR), with bash, zsh and fish completions"

uninstall:
	rm -f $(INSTALLED)

# The systemd service: a `switchboard` system user, /var/lib/switchboard (0700), the settings in
# ENV_FILE (kept if it exists) and the hardened unit from dist/. Needs root and a running systemd.
UNIT_DIR ?= /etc/systemd/system
ENV_FILE ?= /etc/switchboard/switchboard.env
SERVICE_USER ?= switchboard
STATE_DIR = /var/lib/switchboard

install-service:
	@[ -d /run/systemd/system ] || { echo "systemd is not running here; run \`$(PREFIX)/bin/switchboard serve\` under your own supervisor (see README)" >&2; exit 1; }
	@[ -x $(PREFIX)/bin/switchboard ] || { echo "$(PREFIX)/bin/switchboard is missing: run \`make install\` first" >&2; exit 1; }
	id -u $(SERVICE_USER) >/dev/null 2>&1 || useradd --system --user-group --home-dir $(STATE_DIR) --no-create-home --shell /usr/sbin/nologin $(SERVICE_USER)
	install -d -m 700 -o $(SERVICE_USER) -g $(SERVICE_USER) $(STATE_DIR)
	install -d -m 755 $(dir $(ENV_FILE))
	[ -e $(ENV_FILE) ] || install -m 640 -o root -g $(SERVICE_USER) dist/switchboard.env $(ENV_FILE)
	sed -e 's|@BINDIR@|$(PREFIX)/bin|g' -e 's|@ENV_FILE@|$(ENV_FILE)|g' -e 's|@USER@|$(SERVICE_USER)|g' dist/switchboard.service > $(UNIT_DIR)/switchboard.service
	systemctl daemon-reload
	@echo "next: edit $(ENV_FILE), add accounts (README), then: sudo systemctl enable --now switchboard"

# Keeps the data and the settings file.
uninstall-service:
	-systemctl disable --now switchboard
	rm -f $(UNIT_DIR)/switchboard.service
	systemctl daemon-reload
