#!/usr/bin/env bash
# Smoke test of a kiosk PC before it goes to the library: the shipped units' own commands on
# virtual screens of real panel sizes, driven as a visitor drives them.
#
#   smoke-headless.sh [--terminal] [--out DIR] [WxH ...]
#
# The browser route (the default, as install.sh sets up): for each panel (1024x768 1280x720
# 1366x768 1920x1080 unless sizes are given), escout-kiosk-web-kiosk.service's ExecStart
# (`kiosk serve --kiosk`) and escout-kiosk-browser.service's ExecStartPre and ExecStart
# (cage running chromium in kiosk mode), word for word but for the install prefix, a free
# port and chromium's DevTools port added. cage draws on a virtual screen of the panel's size
# (Xvfb, through cage's X11 back end). Then `python -m kiosk.web.smoke`: the grid the page
# chose, `kiosk fitcheck` at that grid, a booking and a check-in by touch events alone, a
# check-in by a scanner's keys right after a page load, and grim's screenshot of the ticket
# (DIR/kiosk-ticket-WxH.png). It fails on a grid under 78x18 or any cut screen.
#
# The terminal route (--terminal, escout-kiosk.service: foot under cage): the grid the start
# script chose at each size, `kiosk fitcheck` at that grid, and a screenshot of Welcome.
#
# Needs, from the distribution: cage grim xvfb xdotool x11-utils xwayland fonts-dejavu-core,
# and chromium or foot (install.sh adds them), and Playwright in the kiosk's venv for the
# browser route (install.sh installs the kiosk with it). cage refuses to run as root: as root
# this runs the screen as the unit's user (kiosk, or SMOKE_USER); as that user, all of it.
#     sudo /opt/escout-kiosk/deploy/smoke-headless.sh --out /tmp/smoke
# ESCOUT_PREFIX tries an install other than /opt/escout-kiosk (a checkout with its .venv).
# Uses throwaway data (the demo library on a fixed Tuesday morning): the real data dir is
# never touched, and a running kiosk keeps its port.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
PREFIX="${ESCOUT_PREFIX:-/opt/escout-kiosk}"
UNITS="${ESCOUT_UNITS:-$HERE}"
LIMIT="${SMOKE_SECONDS:-60}"
# A Tuesday morning with free times the same day, so a booking can be checked in.
export KIOSK_NOW="${KIOSK_NOW:-2026-11-24T09:00:00+02:00}"

ROUTE=browser
OUT="$PWD"
SIZES=()
while [ $# -gt 0 ]; do
    case "$1" in
        --terminal) ROUTE=terminal ;;
        --out) OUT="$2"; shift ;;
        -h | --help) sed -n '2,28s/^# \{0,1\}//p' "$0"; exit 0 ;;
        [0-9]*x[0-9]*) SIZES+=("$1") ;;
        *) echo "smoke: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1024x768 1280x720 1366x768 1920x1080)

fail() { echo "smoke: FAIL: $*" >&2; exit 1; }
TOOLS=(cage grim Xvfb xdotool xwininfo)
[ "$ROUTE" = browser ] && TOOLS+=(chromium) || TOOLS+=(foot)
for tool in "${TOOLS[@]}"; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (see the top of $0)"
done
PYTHON="$PREFIX/.venv/bin/python"
[ -x "$PYTHON" ] || fail "no kiosk install at $PREFIX (set ESCOUT_PREFIX)"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

# Who runs the screen: the unit's user when we are root (cage will not run as root).
if [ "$(id -u)" -eq 0 ]; then
    SCREEN_USER="${SMOKE_USER:-kiosk}"
    id "$SCREEN_USER" >/dev/null 2>&1 || fail "no user $SCREEN_USER for the screen (set SMOKE_USER)"
    AS_SCREEN_USER=(runuser -u "$SCREEN_USER" --)
else
    SCREEN_USER="$(id -un)"
    AS_SCREEN_USER=()
fi
SCREEN_UID="$(id -u "$SCREEN_USER")"

# A unit's line (Exec*=), continuation lines joined, the install prefix moved.
unit_line() {
    sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$1" | sed -n "s/^$2=//p" | tr -s ' ' |
        sed "s|/opt/escout-kiosk|$PREFIX|g"
}
free_port() { "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

WORK="$(mktemp -d)"
chmod 0755 "$WORK"
PIDS=()
stop_all() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    PIDS=()
}
cleanup() { stop_all; rm -rf "$WORK"; }
trap cleanup EXIT

# Start cage with COMMAND on a virtual screen of WIDTHxHEIGHT; sets RUN (its runtime dir).
start_screen() {
    local size="$1" command="$2" display
    local width="${size%x*}" height="${size#*x}"
    Xvfb -displayfd 3 -screen 0 "${width}x${height}x24" -nolisten tcp 3>"$WORK/display" \
        >"$WORK/xvfb.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 100); do [ -s "$WORK/display" ] && break; sleep 0.1; done
    display=":$(cat "$WORK/display")"
    [ "$display" != ":" ] || fail "Xvfb did not start: $(cat "$WORK/xvfb.log")"
    RUN="$WORK/run-$size"
    mkdir -m 0700 "$RUN" "$WORK/home-$size"
    chown "$SCREEN_USER" "$RUN" "$WORK/home-$size"
    command="${command//\/run\/user\/%U/$RUN}"
    command="${command//%U/$SCREEN_UID}"
    local wrap=()
    if [ -n "${POLICY_DIR:-}" ]; then
        # chromium reads its policy from /etc: in a mount namespace of its own, it reads ours.
        mkdir -p "$POLICIES"
        wrap=(unshare --mount --propagation private -- sh -c
            'mount --bind "$1" "$2" && shift 2 && exec "$@"' sh "$POLICY_DIR" "$POLICIES")
    fi
    # shellcheck disable=SC2086  # Exec lines are split on spaces, as systemd does
    "${wrap[@]}" "${AS_SCREEN_USER[@]}" env HOME="$WORK/home-$size" XDG_RUNTIME_DIR="$RUN" \
        DISPLAY="$display" WLR_BACKENDS=x11 WLR_RENDERER=pixman KIOSK_NOW="$KIOSK_NOW" \
        KIOSK_DATA_DIR="${KIOSK_DATA_DIR:-}" $command >"$WORK/cage-$size.log" 2>&1 &
    PIDS+=($!)
    local window=""
    for _ in $(seq 100); do
        window="$(DISPLAY="$display" xwininfo -root -children 2>/dev/null | awk '/^ +0x/ {print $1; exit}')"
        [ -n "$window" ] && break
        sleep 0.1
    done
    [ -n "$window" ] || { cat "$WORK/cage-$size.log" >&2; fail "cage opened no window at $size"; }
    # cage's X11 output follows its window's size: the panel's.
    DISPLAY="$display" xdotool windowsize "$window" "$width" "$height"
}

grim_command() {
    local socket
    socket="$(cd "$RUN" && ls wayland-* 2>/dev/null | grep -v '\.lock$' | head -n 1)"
    [ -n "$socket" ] || fail "cage opened no Wayland socket"
    if [ "$(id -u)" -eq 0 ]; then
        echo "runuser -u $SCREEN_USER -- env XDG_RUNTIME_DIR=$RUN WAYLAND_DISPLAY=$socket grim -"
    else
        echo "env XDG_RUNTIME_DIR=$RUN WAYLAND_DISPLAY=$socket grim -"
    fi
}

seed() {
    export KIOSK_DATA_DIR="$WORK/data-$1"
    "$PYTHON" -m kiosk seed-demo >/dev/null
    # The screen's user reads and writes it, as the kiosk user does the real one.
    chown -R "$SCREEN_USER" "$KIOSK_DATA_DIR"
}

# chromium's policy: this PC's (install.sh's), else the shipped one, with the moved port
# allowed and DevTools let in for the driver. Only root can give chromium another policy
# than /etc's; without root, that must be empty.
POLICIES=/etc/chromium/policies/managed
policy_for() {
    local port="$1" policy="$POLICIES/escout-kiosk.json"
    [ -e "$policy" ] || policy="$HERE/chromium-kiosk-policy.json"
    if [ "$(id -u)" -ne 0 ]; then
        ! ls "$POLICIES"/*.json >/dev/null 2>&1 || fail "run as root: $POLICIES shuts out the test"
        echo "smoke: chromium without a policy (as root, the kiosk's policy is tested too)"
        POLICY_DIR=""
        return
    fi
    POLICY_DIR="$WORK/policy-$port"
    mkdir -p "$POLICY_DIR"
    "$PYTHON" - "$policy" "$port" >"$POLICY_DIR/escout-kiosk.json" <<'PY'
import json
import sys

policy = json.load(open(sys.argv[1], encoding="utf-8"))
policy["URLAllowlist"] = [f"http://127.0.0.1:{sys.argv[2]}"]
policy["DeveloperToolsAvailability"] = 1  # allowed: the driver comes in by DevTools
policy["RemoteDebuggingAllowed"] = True
print(json.dumps(policy, indent=2))
PY
    echo "smoke: chromium's policy: $policy, with port $port and DevTools allowed"
}

smoke_browser() {
    local size="$1" port devtools serve pre browser
    seed "$size"
    port="$(free_port)"
    devtools="$(free_port)"
    policy_for "$port"
    serve="$(unit_line "$UNITS/escout-kiosk-web-kiosk.service" ExecStart)"
    serve="${serve//--port 8081/--port $port}"
    pre="$(unit_line "$UNITS/escout-kiosk-browser.service" ExecStartPre)"
    pre="${pre//8081/$port}"
    browser="$(unit_line "$UNITS/escout-kiosk-browser.service" ExecStart)"
    browser="${browser//127.0.0.1:8081/127.0.0.1:$port}"
    browser="${browser/\/usr\/bin\/chromium /\/usr\/bin\/chromium --remote-debugging-port=$devtools }"
    [ -n "$serve" ] && [ -n "$browser" ] || fail "no ExecStart in the units in $UNITS"
    echo "smoke: $size: $serve"
    # shellcheck disable=SC2086
    $serve >"$WORK/serve-$size.log" 2>&1 &
    PIDS+=($!)
    if [ -n "$pre" ]; then
        echo "smoke: $size: $pre"
        # shellcheck disable=SC2086
        timeout "$LIMIT" $pre || { cat "$WORK/serve-$size.log" >&2; fail "the server never answered"; }
    fi
    echo "smoke: $size: $browser"
    start_screen "$size" "$browser"
    "$PYTHON" -m kiosk.web.smoke --devtools "http://127.0.0.1:$devtools" \
        --page "http://127.0.0.1:$port/" --data-dir "$KIOSK_DATA_DIR" \
        --shot "$OUT/kiosk-ticket-$size.png" --screenshot-command "$(grim_command)" ||
        { tail -n 20 "$WORK/serve-$size.log" >&2; fail "$size (see above)"; }
}

smoke_terminal() {
    local size="$1" command cols lines fontsize
    seed "$size"
    command="$(unit_line "$UNITS/escout-kiosk.service" ExecStart)"
    [ -n "$command" ] || fail "no ExecStart in $UNITS/escout-kiosk.service"
    echo "smoke: $size: $command"
    start_screen "$size" "$command"
    local deadline=$((SECONDS + LIMIT))
    until [ -s "$RUN/escout-kiosk-grid" ]; do
        [ "$SECONDS" -lt "$deadline" ] || { cat "$WORK/cage-$size.log" >&2; fail "the kiosk never started"; }
        sleep 0.5
    done
    read -r fontsize cols lines <"$RUN/escout-kiosk-grid"
    echo "smoke: $size: foot font size $fontsize gives $cols x $lines cells"
    [ "$cols" -ge 78 ] && [ "$lines" -ge 18 ] || fail "$size: ${cols}x${lines} cells is under 78x18"
    "$PYTHON" -m kiosk fitcheck --size "${cols}x${lines}" || fail "$size: cut screens at ${cols}x${lines}"
    # Welcome on the screen: many colours (text, buttons, the title) over much of it; an
    # empty terminal or a traceback has few.
    local shot="$OUT/kiosk-welcome-$size.png" verdict=""
    deadline=$((SECONDS + LIMIT))
    while [ -z "$verdict" ]; do
        [ "$SECONDS" -lt "$deadline" ] || { cat "$WORK/cage-$size.log" >&2; fail "$size: no Welcome on the screen"; }
        sleep 1
        $(grim_command) >"$shot" 2>>"$WORK/cage-$size.log" || continue
        verdict="$("$PYTHON" - "$shot" <<'PY'
import sys

from PIL import Image

image = Image.open(sys.argv[1]).convert("RGB")
pixels = image.width * image.height
colours = image.getcolors(pixels)  # (count, colour) of each
background = max(count for count, _ in colours)
drawn = 1 - background / pixels
if len(colours) >= 16 and drawn >= 0.15:
    print(f"{len(colours)} colours, {drawn:.0%} drawn")
PY
)"
    done
    echo "smoke: $size: Welcome drawn ($verdict): $shot"
}

for size in "${SIZES[@]}"; do
    "smoke_$ROUTE" "$size"
    stop_all
done
echo "smoke: OK: ${SIZES[*]} ($ROUTE)"
