#!/usr/bin/env bash
# Plain-PyTorch peer of bench/train-step.ts: the same workload on the CPU
# (bench/plain_pytorch_lif.py), on the same configurations.
#
#   bench/peers.sh [--configs p:B:H:T,...] [--reps N] [--threads N] [--out FILE]
#
# Installs Debian's python3-torch + OpenBLAS (OpenMP) if missing, runs the peer
# once per T (it takes --configs p:B:H and --steps T) and writes one JSON file
# { peer, torch, threads, date, results: [{ p, B, H, T, train_ms_median, train_ms_min, ... }] }.
set -euo pipefail
cd "$(dirname "$0")/.."

PEER=bench/plain_pytorch_lif.py
PY=/usr/bin/python3
OUT=bench/results/pytorch.json
REPS=10
THREADS=2
CONFIGS=""
for T in 25 100; do for B in 32 256; do for H in 128 512; do for p in 0.02 0.2; do
  CONFIGS="${CONFIGS:+$CONFIGS,}$p:$B:$H:$T"
done; done; done; done

while [ $# -gt 0 ]; do
  case "$1" in
    --configs) CONFIGS="$2"; shift 2 ;;
    --reps) REPS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n 2,9p "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

[ -f "$PEER" ] || { echo "peer script $PEER not found" >&2; exit 1; }
if ! "$PY" -c 'import torch' 2>/dev/null || ! dpkg -s libopenblas0-openmp >/dev/null 2>&1; then
  echo "installing python3-torch libopenblas0-openmp (apt-get)…" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y python3-torch libopenblas0-openmp >&2
fi

mkdir -p "$(dirname "$OUT")"
LINES=$(mktemp)
trap 'rm -f "$LINES"' EXIT
# group p:B:H:T by T, in order of first appearance
for T in $(echo "$CONFIGS" | tr ',' '\n' | awk -F: '!seen[$4]++ {print $4}'); do
  SUB=$(echo "$CONFIGS" | tr ',' '\n' | awk -F: -v t="$T" '$4 == t {print $1":"$2":"$3}' | paste -sd,)
  echo "T=$T: $SUB" >&2
  "$PY" "$PEER" --configs "$SUB" --steps "$T" --reps "$REPS" --threads "$THREADS" | tee -a "$LINES"
done

"$PY" - "$LINES" "$OUT" "$REPS" <<'EOF'
import json, os, platform, sys, datetime
lines, out, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
results = [json.loads(l) for l in open(lines) if l.strip().startswith("{")]
import torch
doc = {
    "peer": "plain-pytorch (bench/plain_pytorch_lif.py)",
    "torch": torch.__version__,
    "threads": results[0]["threads"] if results else None,
    "blas": "libopenblas0-openmp",
    "python": platform.python_version(),
    "cpu_count": os.cpu_count(),
    "loadavg_1min_end": os.getloadavg()[0],
    "reps": reps,
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
    "results": results,
}
json.dump(doc, open(out, "w"), indent=2)
print(f"wrote {out} ({len(results)} configs)", file=sys.stderr)
EOF
