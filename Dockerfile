# statuslint in a small image, for CI systems that run containers (see README, "Install").
#   docker build -t statuslint .
#   docker run --rm -v "$PWD:/src" statuslint .
# The build stage compiles from this source on Alpine, whose Rust targets musl and links
# statically; the final image is Alpine (it keeps a shell, which GitLab CI jobs need).
FROM rust:1.88-alpine3.22 AS build
# hadolint ignore=DL3018
RUN apk add --no-cache musl-dev
WORKDIR /build
COPY . .
ENV CARGO_PROFILE_RELEASE_STRIP=true
RUN cargo build --release --locked

FROM alpine:3.22
COPY --from=build /build/target/release/statuslint /usr/local/bin/statuslint
WORKDIR /src
ENTRYPOINT ["statuslint"]
