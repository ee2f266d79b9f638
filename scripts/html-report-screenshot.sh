#!/usr/bin/env bash
# Screenshots the HTML after-action report in headless Chromium, to check by eye that the
# page and its timeline chart render. Installs nothing: without /usr/bin/chromium it says
# so and exits 0.
#
#   scripts/html-report-screenshot.sh [LOG|REPORT.html] [OUT.png]
#
# With no LOG it plays the ransomware scenario with the reference playbook (seed 1) into a
# temporary log first. A .html argument is screenshot as it is.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
chromium="${CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$chromium" ]]; then
    echo "skipped: no chromium at $chromium (apt-get install chromium, or set CHROMIUM)"
    exit 0
fi

input="${1:-}"
out="${2:-$root/target/html-report.png}"
work="$(mktemp -d)"
profile="$(mktemp -d)"
trap 'rm -rf "$work" "$profile"' EXIT

cd "$root"
cargo build --quiet -p tabletop --bin tabletop
tabletop="$root/target/debug/tabletop"

case "$input" in
    "")
        log="$work/drill.log"
        "$tabletop" run ransomware --seed 1 --script scenarios/playbooks/ransomware.ron \
            --log "$log" >/dev/null
        html="$work/report.html"
        "$tabletop" report "$log" --format html -o "$html"
        ;;
    *.html) html="$(cd "$(dirname "$input")" && pwd)/$(basename "$input")" ;;
    *)
        html="$work/report.html"
        "$tabletop" report "$input" --format html -o "$html"
        ;;
esac

mkdir -p "$(dirname "$out")"
"$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
    --user-data-dir="$profile" --screenshot="$out" --window-size=1400,1600 \
    "file://$html" 2>/dev/null
echo "wrote $out"
