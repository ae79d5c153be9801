# switchboard: `make demo` runs it against the built-in mock upstream; `make test` runs the tests.
SWIFT ?= swift
CONFIGURATION ?= debug
BIN = .build/$(CONFIGURATION)/switchboard
SYSTEM_PACKAGES = libsqlite3-dev libcurl4-openssl-dev
# For the status page's real-browser test (DashboardBrowserTests); CI installs it, `make test` runs it when present.
BROWSER_PACKAGES = chromium

.PHONY: deps browser-deps build release test demo bench conformance clean

# Installs the C libraries switchboard links against, when they are missing.
deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "installing$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "missing system packages:$$missing — run: sudo apt-get install -y$$missing" >&2; exit 1; fi; \
	fi

# Installs headless Chromium for the browser test, when missing.
browser-deps:
	@$(MAKE) --no-print-directory deps SYSTEM_PACKAGES="$(BROWSER_PACKAGES)"

build: deps
	$(SWIFT) build -c $(CONFIGURATION) --product switchboard

release: deps
	$(SWIFT) build -c release

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

demo: build
	@BIN=$(BIN) bash bench/demo.sh

bench: deps
	@bash bench/run.sh $(if $(QUICK),--quick,)

conformance: build
	@bash Tests/conformance/run.sh

clean:
	rm -rf .build
