#!/usr/bin/env bash
# Records every bundled scenario over 50 seeds, with and without its reference playbook, and
# verifies each log: the README's "genuine logs verify" figure.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p tabletop
T="$PWD/target/release/tabletop"
dir="$(mktemp -d)"
ok=0; bad=0
for s in bec cloud-leak dc-power insider ransomware region-outage supply-chain; do
  for seed in $(seq 1 50); do
    "$T" run "$s" --seed "$seed" --log "$dir/$s-$seed.log" >/dev/null
    "$T" run "$s" --seed "$seed" --script "scenarios/playbooks/$s.ron" --log "$dir/$s-$seed-p.log" >/dev/null
    for f in "$dir/$s-$seed.log" "$dir/$s-$seed-p.log"; do
      if "$T" verify "$f" >/dev/null 2>&1; then ok=$((ok + 1)); else bad=$((bad + 1)); echo "not verified: $f"; fi
    done
  done
done
echo "verified complete: $ok, failed: $bad"
[ "$bad" -eq 0 ]
