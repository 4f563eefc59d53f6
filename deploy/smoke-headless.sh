#!/usr/bin/env bash
# Smoke test of a kiosk PC before it goes to the library (not part of `make test`).
#
# Runs the exact ExecStart of escout-kiosk.service under wlroots' headless backend (one virtual
# 1280x720 output, the size of a cheap touch panel), takes a screenshot with grim and checks
# that the kiosk drew its Welcome screen on a grid of at least 80x20 cells.
#
# Needs cage, foot, grim, Xwayland and fonts from the distribution
# (Debian: apt-get install cage foot grim xwayland fonts-dejavu-core) and an unprivileged
# user, as cage refuses to run as root:
#     sudo -u kiosk /opt/escout-kiosk/deploy/smoke-headless.sh /tmp/kiosk-1280x720.png
# ESCOUT_PREFIX tries an install other than /opt/escout-kiosk (a checkout with its .venv).
# Uses throwaway data (the demo library): the real data dir is never touched.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${1:-$PWD/kiosk-smoke.png}"
PREFIX="${ESCOUT_PREFIX:-/opt/escout-kiosk}"
UNIT="${ESCOUT_UNIT:-$HERE/escout-kiosk.service}"
LIMIT="${SMOKE_SECONDS:-60}"

fail() { echo "smoke: FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -ne 0 ] || fail "run as an unprivileged user (cage refuses root), e.g. sudo -u kiosk $0"
for tool in cage foot grim python3; do
    command -v "$tool" >/dev/null || fail "$tool is not installed"
done

# The unit's command, word for word; only the install prefix may move.
COMMAND="$(sed -n 's/^ExecStart=//p' "$UNIT")"
[ -n "$COMMAND" ] || fail "no ExecStart in $UNIT"
COMMAND="${COMMAND//\/opt\/escout-kiosk/$PREFIX}"
echo "smoke: running: $COMMAND"

WORK="$(mktemp -d)"
CAGE_PID=""
cleanup() {
    if [ -n "$CAGE_PID" ]; then kill "$CAGE_PID" 2>/dev/null || true; wait "$CAGE_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -m 0700 "$WORK/run"
export XDG_RUNTIME_DIR="$WORK/run"
export KIOSK_DATA_DIR="$WORK/data"
"$PREFIX/.venv/bin/kiosk" seed-demo >/dev/null

export WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1
unset WAYLAND_DISPLAY DISPLAY
# shellcheck disable=SC2086  # ExecStart is split on spaces, as systemd does
$COMMAND >"$WORK/cage.log" 2>&1 &
CAGE_PID=$!

# Wait for the grid the start script chose, then for a screenshot with the app on it.
deadline=$((SECONDS + LIMIT))
until [ -s "$XDG_RUNTIME_DIR/escout-kiosk-grid" ]; do
    kill -0 "$CAGE_PID" 2>/dev/null || { cat "$WORK/cage.log" >&2; fail "cage ended early"; }
    [ "$SECONDS" -lt "$deadline" ] || fail "the kiosk never started (see the log above)"
    sleep 0.5
done
read -r SIZE COLS LINES <"$XDG_RUNTIME_DIR/escout-kiosk-grid"
echo "smoke: foot font size $SIZE gives a grid of ${COLS}x${LINES} cells"
SOCKET="$(cd "$XDG_RUNTIME_DIR" && ls wayland-* 2>/dev/null | grep -v '\.lock$' | head -n 1)"
[ -n "$SOCKET" ] || fail "cage opened no Wayland socket"

verdict=""
while [ "$SECONDS" -lt "$deadline" ]; do
    sleep 1
    WAYLAND_DISPLAY="$SOCKET" grim -t ppm "$WORK/shot.ppm" 2>>"$WORK/cage.log" || continue
    # The Welcome screen: many colours (text, buttons, the title) over much of the screen;
    # an empty terminal or a traceback has few.
    if verdict="$(python3 - "$WORK/shot.ppm" <<'PY'
import sys
from collections import Counter

data = open(sys.argv[1], "rb").read()
parts = data.split(maxsplit=4)
width, height = int(parts[1]), int(parts[2])
pixels = parts[4]
colours = Counter(pixels[i : i + 3] for i in range(0, len(pixels), 3))
background, count = colours.most_common(1)[0]
drawn = 1 - count / (width * height)
print(f"{width}x{height} px, {len(colours)} colours, {drawn:.0%} drawn")
sys.exit(0 if len(colours) >= 16 and drawn >= 0.15 else 1)
PY
)"; then
        break
    fi
    verdict=""
done
[ -n "$verdict" ] || fail "the kiosk drew nothing like its Welcome screen in ${LIMIT}s"
WAYLAND_DISPLAY="$SOCKET" grim "$OUT"
[ "$COLS" -ge 80 ] && [ "$LINES" -ge 20 ] || fail "grid ${COLS}x${LINES} is under 80x20"
echo "smoke: OK: $verdict; screenshot: $OUT"
