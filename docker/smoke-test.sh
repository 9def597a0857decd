#!/usr/bin/env bash
# Smoke test of a built image, run with buildah (no Docker engine): --version, OCR of one sample
# inside the image, /readyz of `vanban serve`, the HEALTHCHECK, and what must not be in the image.
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGE=${1:-localhost/vanban:test}
BUILDAH=(buildah --storage-driver vfs)
ctr=$("${BUILDAH[@]}" from "$IMAGE")
trap '"${BUILDAH[@]}" rm "$ctr" >/dev/null' EXIT
run() { "${BUILDAH[@]}" run --isolation chroot -v "$PWD/samples:/samples:ro" "$ctr" -- "$@"; }
fail() { echo "smoke test FAILED: $*" >&2; exit 1; }

version=$(run vanban --version)
echo "version: $version"
[[ "$version" == "vanban "* ]] || fail "vanban --version said: $version"

uid=$(run id -u)
[ "$uid" != 0 ] || fail "the image runs as root"
echo "runs as uid $uid"

text=$(run vanban ocr /samples/header.png -o - -q)
# character error rate against the ground truth (whitespace folded), as the test suite measures it
rate=$(python3 - samples/header.gt.txt <(printf '%s' "$text") <<'PY'
import sys, unicodedata
norm = lambda t: " ".join(unicodedata.normalize("NFC", t).split())
truth, got = (norm(open(p, encoding="utf-8").read()) for p in sys.argv[1:3])
prev = list(range(len(got) + 1))
for i, a in enumerate(truth, 1):
    cur = [i]
    for j, b in enumerate(got, 1):
        cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a != b)))
    prev = cur
print(f"{prev[-1] / max(1, len(truth)):.4f}")
PY
)
echo "OCR of samples/header.png inside the image: CER $rate"
python3 -c "import sys; sys.exit(0 if float('$rate') <= 0.02 else 1)" || fail "CER $rate above 2 % inside the image"

ready=$(run sh -c '
  vanban serve --host 127.0.0.1 --port 8000 --log-level warning & pid=$!
  for i in $(seq 1 120); do
    python3 -c "import urllib.request; urllib.request.urlopen(\"http://127.0.0.1:8000/healthz\", timeout=2)" \
      2>/dev/null && break
    sleep 0.5
  done
  python3 -c "
import json, urllib.request
answer = urllib.request.urlopen(\"http://127.0.0.1:8000/readyz\", timeout=30)
print(answer.status, json.dumps(json.load(answer)))
" ; status=$?
  kill $pid; wait $pid 2>/dev/null; exit $status')
echo "readyz: $ready"
[[ "$ready" == "200 "*'"ready": true'* ]] || fail "/readyz did not answer ready: $ready"

health=$("${BUILDAH[@]}" inspect --type image --format '{{.Docker.Config.Healthcheck}}' "$IMAGE")
[[ "$health" == *healthz* ]] || fail "no HEALTHCHECK in the image config: $health"
cmd=$("${BUILDAH[@]}" inspect --type image --format '{{.Docker.Config.Cmd}} {{.Docker.Config.ExposedPorts}} {{.Docker.Config.Volumes}}' "$IMAGE")
[[ "$cmd" == *"vanban serve"* && "$cmd" == *8000* && "$cmd" == */data* ]] || fail "command, port or volume wrong: $cmd"

compilers=$(run sh -c 'for c in gcc cc g++ c++ clang; do command -v $c; done; true')
[ -z "$compilers" ] || fail "compilers in the image: $compilers"
if run python3 -c "import torch" 2>/dev/null; then fail "torch is in the image"; fi
echo "no compilers, no torch; healthcheck and command set"
echo "image size: $("${BUILDAH[@]}" images --format '{{.Size}}' "$IMAGE" | head -1)"
echo "smoke test passed"
