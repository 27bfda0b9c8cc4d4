#!/usr/bin/env bash
# Kill campaign for training (the long form of TrainCommandKillTests): runs `vaecreative train` on a small
# Nottingham subset, `kill -9`s it at seeded random times, resumes it in a new process, many times, and checks:
# after every kill at most one checkpoint interval of logged steps is lost, every manifest that exists loads
# (`eval`), every resume that is not killed succeeds; at the end the losses and weights equal an uninterrupted run.
#   ./bench/killtest.sh [--kills N] [--seed S] [--steps N] [--checkpoint-every N]
# Prints one summary line; exit status 1 when a check fails.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
KILLS=100; SEED=1; STEPS=60; EVERY=10
while [[ $# -gt 0 ]]; do
  case "$1" in
    --kills) KILLS="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --steps) STEPS="$2"; shift 2 ;;
    --checkpoint-every) EVERY="$2"; shift 2 ;;
    *) echo "usage: bench/killtest.sh [--kills N] [--seed S] [--steps N] [--checkpoint-every N]" >&2; exit 2 ;;
  esac
done
./scripts/setup.sh --quiet
bench/build.sh Generator.Host/Generator.Host.csproj
CLI=(dotnet Generator.Host/bin/Release/net10.0/vaecreative.dll)
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/data"
mapfile -t files < <(find ../shared/datasets/nottingham -maxdepth 1 -name '*.mid' | sort)
cp "${files[@]:0:8}" "$WORK/data/"
TRAIN=(train --data "$WORK/data" --steps "$STEPS" --rng 3 --checkpoint-every "$EVERY" --validate-every 0 --validation-fraction 0.3
       --encoder-hidden 32 --decoder-hidden 32 --decoder-layers 1 --latent 8 --batch 16 --threads 1)

start=$SECONDS
"${CLI[@]}" "${TRAIN[@]}" --out "$WORK/reference" 2>/dev/null
run_seconds=$((SECONDS - start + 1))
fail() { echo "killtest: FAILED: $*" >&2; exit 1; }
logged() { python3 -c 'import json,sys
try: print(max([json.loads(l)["step"] for l in open(sys.argv[1]) if "split" not in l] or [0]))
except (FileNotFoundError, ValueError): print(0)' "$1/metrics.jsonl"; }
checkpoint() { python3 -c 'import json,sys,os
steps=[json.load(open(os.path.join(sys.argv[1],d,"state.json")))["Step"] for d in ("checkpoint","checkpoint.previous") if os.path.exists(os.path.join(sys.argv[1],d,"state.json"))]
print(max(steps or [0]))' "$1"; }

same_as_reference() {
  cmp -s "$WORK/reference/model.weights" "$1/model.weights" || fail "finished weights differ from the uninterrupted run"
  python3 -c 'import json,sys
losses=lambda p: [(j["step"],j["loss"]) for j in map(json.loads,open(p)) if "split" not in j]
sys.exit(losses(sys.argv[1]) != losses(sys.argv[2]))' "$WORK/reference/metrics.jsonl" "$1/metrics.jsonl" || fail "finished losses differ from the uninterrupted run"
  local leftover; leftover=$(find "$1" -maxdepth 1 -name '.*.tmp' | wc -l)
  (( leftover == 0 )) || fail "$leftover temporary files left after a finished run"
}

RANDOM=$SEED
OUT="$WORK/killed"; kills=0; runs=0; lost_max=0; finished=0
while (( kills < KILLS )); do
  args=("${TRAIN[@]}" --out "$OUT"); [[ -f "$OUT/run.json" ]] && args=(train --out "$OUT" --resume)
  delay_ms=$(( RANDOM * run_seconds * 1000 / 32768 ))
  "${CLI[@]}" "${args[@]}" >/dev/null 2>"$WORK/stderr" & pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  runs=$((runs + 1))
  if kill -9 "$pid" 2>/dev/null; then
    wait "$pid" 2>/dev/null || true
    kills=$((kills + 1))
    lost=$(( $(logged "$OUT") - $(checkpoint "$OUT") ))
    (( lost <= EVERY )) || fail "after kill $kills: $lost steps logged past the checkpoint (interval $EVERY)"
    (( lost > lost_max )) && lost_max=$lost
    if [[ -f "$OUT/manifest.json" ]]; then
      "${CLI[@]}" eval --model "$OUT" --data "$WORK/data" --json >/dev/null 2>"$WORK/stderr" || fail "manifest after kill $kills does not load: $(cat "$WORK/stderr")"
    fi
  else
    wait "$pid" || fail "run $runs exited with an error: $(cat "$WORK/stderr")"
    finished=$((finished + 1))
    same_as_reference "$OUT"
    rm -rf "$OUT"   # the next kills hit a new run
  fi
done
if [[ -d "$OUT" ]]; then
  "${CLI[@]}" train --out "$OUT" --resume >/dev/null 2>"$WORK/stderr" || fail "final resume: $(cat "$WORK/stderr")"
  finished=$((finished + 1))
  same_as_reference "$OUT"
fi
echo "killtest: $kills kills (seed $SEED) over $runs runs; $finished runs finished, each with the uninterrupted run's weights and losses; most steps lost to a kill: $lost_max (interval $EVERY); $((SECONDS - start)) s"
