#!/usr/bin/env bash
# make docker-test: build the vanban image with buildah (no Docker engine needed) and smoke-test it.
#
# The base image is Debian bookworm made here with debootstrap (the variant minbase: what
# debian:bookworm-slim holds), imported once with `buildah from scratch` + `add` + `commit`.
# The build context is the repository's tracked files as they are in the work tree.
set -euo pipefail
cd "$(dirname "$0")/.."

WORK=${VANBAN_DOCKER_WORK:-/var/tmp/vanban-docker}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
BASE_IMAGE=localhost/vanban-base:bookworm-minbase
IMAGE=${VANBAN_IMAGE:-localhost/vanban:test}
BUILDAH=(buildah --storage-driver vfs)
start=$(date +%s)
say() { printf '\n== %s (%ss)\n' "$*" "$(( $(date +%s) - start ))"; }

missing=""
command -v buildah >/dev/null 2>&1 || missing="$missing buildah"
command -v debootstrap >/dev/null 2>&1 || missing="$missing debootstrap"
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "docker-test needs:$missing; run as root: apt-get install$missing" >&2; exit 4; fi
  say "installing$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
if [ "$(id -u)" != 0 ]; then
  echo "docker-test runs buildah and debootstrap as root (sudo make docker-test)" >&2; exit 4
fi

mkdir -p "$WORK"
if ! "${BUILDAH[@]}" inspect --type image "$BASE_IMAGE" >/dev/null 2>&1; then
  say "debootstrap --variant=minbase bookworm"
  rm -rf "$WORK/rootfs"
  debootstrap --variant=minbase bookworm "$WORK/rootfs" "$MIRROR" > "$WORK/debootstrap.log"
  rm -rf "$WORK/rootfs/var/cache/apt/archives/"*.deb "$WORK/rootfs/var/lib/apt/lists/"*
  tar -C "$WORK/rootfs" -cf "$WORK/rootfs.tar" .
  say "importing the base image $BASE_IMAGE"
  ctr=$("${BUILDAH[@]}" from scratch)
  "${BUILDAH[@]}" add "$ctr" "$WORK/rootfs.tar" /
  "${BUILDAH[@]}" config --cmd /bin/bash --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$ctr"
  "${BUILDAH[@]}" commit --quiet "$ctr" "$BASE_IMAGE" >/dev/null
  "${BUILDAH[@]}" rm "$ctr" >/dev/null
  rm -rf "$WORK/rootfs" "$WORK/rootfs.tar"
else
  say "base image $BASE_IMAGE already built"
fi

say "building $IMAGE"
context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
git ls-files -z | tar --null -T - -cf - 2>/dev/null | tar -x -C "$context"
mkdir -p "$context/models" && cp -a models/. "$context/models/" 2>/dev/null || true  # trained weights, once committed
# pip inside the build trusts what this machine trusts (a proxy's CA, if any), through a build secret
ca=${PIP_CERT:-/etc/ssl/certs/ca-certificates.crt}
secret=()
[ -s "$ca" ] && secret=(--secret "id=build-ca,src=$ca")
"${BUILDAH[@]}" bud --isolation chroot --format docker --layers=false --build-arg BASE="$BASE_IMAGE" \
  "${secret[@]}" -t "$IMAGE" -f Dockerfile "$context"
built=$(date +%s)

say "smoke test"
docker/smoke-test.sh "$IMAGE"
end=$(date +%s)
echo
echo "docker-test passed: build $(( built - start )) s, smoke test $(( end - built )) s, total $(( end - start )) s"
