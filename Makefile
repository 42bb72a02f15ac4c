# The two commands: `make run` (set up, build, serve on 127.0.0.1:50051) and
# `make test` (set up, build, run every test). See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := build

BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= 2
# make run STORE=mysql / make bench STORE=mysql use a private MariaDB.
STORE ?= sqlite
LISTEN ?= 127.0.0.1:50051

export BUILD_DIR JOBS LISTEN

.PHONY: setup configure build build-run run test bench lint format clean distclean

setup:
	@bash scripts/setup.sh

configure: setup
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: configure
	cmake --build $(BUILD_DIR) -j$(JOBS)

# `make run` builds only what it runs (the server, and the CLI beside it);
# the tests and the bench driver are built by `make build` / `make test`.
build-run: configure
	cmake --build $(BUILD_DIR) -j$(JOBS) --target profile-server profile-cli

run: build-run
	@exec bash scripts/run.sh $(STORE)

test: build
	@bash scripts/test.sh

bench: build
	CP_BIN_DIR=$(abspath $(BUILD_DIR))/bin bash scripts/bench.sh $(STORE)

lint: setup
	bash scripts/buf.sh lint
	bash scripts/buf.sh breaking
	clang-format --dry-run --Werror $$(bash scripts/cxx_files.sh)

format:
	clang-format -i $$(bash scripts/cxx_files.sh)

clean:
	rm -rf $(BUILD_DIR)

# Also removes the data under var/ (stopping its MariaDB) and the tools in .tools/.
distclean: clean
	bash scripts/mariadb.sh stop var/mysql
	rm -rf var .tools
