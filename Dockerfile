# syntax=docker/dockerfile:1.4
# The customer-profile service: profile-server (the entrypoint), profile-cli
# and profile-bench on Debian 12. See docs/deploy.md for its flags, volume
# and probes; scripts/image.sh builds and tests it with podman (no Docker
# needed): `make image`, `make image-test`.
#
#   docker build -t customerprofile .
#   docker run -p 50051:50051 -v /srv/auth.yaml:/etc/customerprofile/auth.yaml:ro \
#     -e PROFILE_SERVER_AUTH_CONFIG=/etc/customerprofile/auth.yaml customerprofile
#
# Build arguments: BASE (default debian:bookworm; scripts/image.sh passes its
# debootstrapped copy), JOBS (compiler jobs, default 2).
ARG BASE=debian:bookworm

# --- build: the project's own set-up script and CMake -------------------------
FROM ${BASE} AS build
ARG JOBS=2
ENV DEBIAN_FRONTEND=noninteractive
WORKDIR /src

# scripts/setup.sh alone first: this layer (every Debian package the build
# needs) is redone only when setup.sh changes, not on every source change.
# An optional build secret `ca-certificates` (a PEM bundle) is trusted by npm
# while setup.sh installs buf: for builds behind a TLS-intercepting proxy
# (scripts/image.sh passes the host's bundle). Without it nothing changes.
COPY scripts/setup.sh scripts/setup.sh
RUN --mount=type=secret,id=ca-certificates \
    if [ -s /run/secrets/ca-certificates ]; then \
      export NODE_EXTRA_CA_CERTS=/run/secrets/ca-certificates; \
    fi \
 && bash scripts/setup.sh \
 && apt-get install -y -qq --no-install-recommends ccache \
 && rm -rf /var/lib/apt/lists/*

COPY . .
# Only the three binaries (not the tests). ccache's cache mount keeps
# objects across builds, so a source change recompiles only what it touches.
RUN --mount=type=cache,target=/root/.cache/ccache,id=customerprofile-ccache \
    cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
 && cmake --build /build -j"${JOBS}" --target profile-server profile-cli profile-bench \
 && mkdir -p /out/bin \
 && install -s -m 755 /build/bin/profile-server /build/bin/profile-cli /build/bin/profile-bench /out/bin/ \
 && { ccache --show-stats | grep -Ei 'hit|miss' || true; }

# The runtime stage's packages: those holding the libraries the binaries load
# (ldd -> dpkg -S), so nothing here repeats scripts/setup.sh's list.
RUN bash scripts/image_runtime_packages.sh /out/bin/* > /out/runtime-packages.txt \
 && echo "runtime packages: $(tr '\n' ' ' < /out/runtime-packages.txt)"

# --- runtime: the libraries, the binaries, a non-root user --------------------
FROM ${BASE} AS runtime
ARG DEBIAN_FRONTEND=noninteractive
COPY --from=build /out/runtime-packages.txt /usr/share/customerprofile/runtime-packages.txt
RUN apt-get update -qq \
 && xargs -a /usr/share/customerprofile/runtime-packages.txt \
      apt-get install -y -qq --no-install-recommends \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log \
 && groupadd --system --gid 10001 profile \
 && useradd --system --uid 10001 --gid profile --home-dir /var/lib/customerprofile \
      --no-create-home --shell /usr/sbin/nologin profile \
 && install -d -o profile -g profile -m 750 /var/lib/customerprofile \
 && install -d -m 755 /etc/customerprofile
COPY --from=build /out/bin/ /usr/local/bin/
RUN ! ldd /usr/local/bin/profile-server /usr/local/bin/profile-cli /usr/local/bin/profile-bench \
      | grep 'not found'

# Every flag of profile-server can be set as PROFILE_SERVER_<FLAG> (see
# `profile-server --help` and docs/deploy.md). The image serves on all
# interfaces and keeps its SQLite database in the volume. Listening on
# 0.0.0.0 needs either an auth config (PROFILE_SERVER_AUTH_CONFIG, a mounted
# file: production) or PROFILE_SERVER_INSECURE_NO_AUTH=1 (tests only); with
# neither the server refuses to start.
ENV PROFILE_SERVER_LISTEN=0.0.0.0:50051 \
    PROFILE_SERVER_STORE=sqlite:/var/lib/customerprofile/profiles.db \
    PROFILE_CLI_ENDPOINT=127.0.0.1:50051
VOLUME ["/var/lib/customerprofile"]
WORKDIR /var/lib/customerprofile
USER 10001:10001
EXPOSE 50051

# gRPC health (grpc.health.v1, no credential needed): exit 0 only on SERVING.
# Listening elsewhere than :50051? Set PROFILE_CLI_ENDPOINT to match.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["profile-cli", "--timeout=3s", "--max_attempts=1", "health"]

# SIGTERM drains in-flight calls (--drain-timeout, default 10s) and exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["profile-server"]
