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

.PHONY: setup configure build build-run run test bench lint format clean distclean bazel-test image image-test

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

# The Bazel build (docs/bazel.md): installs Bazel 4 if missing, then
# `bazel build //...` and `bazel test //tests/...`, offline, on the system's
# libraries. Independent of the CMake build in $(BUILD_DIR).
bazel-test:
	@bash scripts/bazel.sh

# The container image (Dockerfile, docs/deploy.md) built with podman on a
# debootstrapped debian:bookworm base, no Docker needed; image-test also runs
# it, waits for gRPC health and runs the ProfileService e2e scenario against
# it (scripts/image.sh). The first build takes about 20-30 minutes on 2 cores.
image:
	@bash scripts/image.sh build

image-test: setup
	@bash scripts/image.sh test

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
