#!/bin/sh
# Runs inside cage (see escout-kiosk.service): the kiosk in foot with the largest font that
# still gives the visitor screens at least 80x20 cells on this panel. Each size is tried in a
# real foot window, from large to small, so the choice holds for whatever panel and fonts the
# PC has. Measured with DejaVu Sans Mono (smoke-headless.sh --terminal): 1024x768 -> size 14
# (92x32), 1280x720 -> 18 (91x23), 1366x768 -> 22 (80x21), 1920x1080 -> 28 (87x23). Size 20
# on 1280x720 gives only 79 columns.
#
# Usage: kiosk-session.sh COMMAND [ARG...]     e.g. kiosk-session.sh /opt/escout-kiosk/.venv/bin/kiosk run
# KIOSK_FONT_SIZES overrides the sizes tried; the grid chosen is written to
# $XDG_RUNTIME_DIR/escout-kiosk-grid ("SIZE COLS LINES") for the smoke test and for a look.
set -u
MIN_COLS=80
MIN_LINES=20
SIZES=${KIOSK_FONT_SIZES:-"32 30 28 26 24 22 20 18 16 14 12"}
TOO_SMALL=75
GRID_FILE=${XDG_RUNTIME_DIR:-/tmp}/escout-kiosk-grid

for size in $SIZES; do last=$size; done
for size in $SIZES; do
    # The smallest size is taken whatever it gives: the best this panel can do.
    [ "$size" = "$last" ] && MIN_COLS=0 MIN_LINES=0
    # stty, not tput: it needs no terminfo entry for foot.
    foot --font="monospace:size=$size" -- sh -c '
        size=$1 min_cols=$2 min_lines=$3 grid_file=$4
        shift 4
        # foot sizes the terminal once cage has placed its window: wait until it settles.
        grid=$(stty size) tries=0
        while sleep 0.3; do
            now=$(stty size) tries=$((tries + 1))
            [ "$now" = "$grid" ] && [ "$tries" -ge 2 ] && break
            [ "$tries" -ge 20 ] && break
            grid=$now
        done
        lines=${grid% *} cols=${grid#* }
        if [ "$cols" -ge "$min_cols" ] && [ "$lines" -ge "$min_lines" ]; then
            echo "$size $cols $lines" > "$grid_file"
            exec "$@"
        fi
        exit 75' fit "$size" "$MIN_COLS" "$MIN_LINES" "$GRID_FILE" "$@"
    status=$?
    [ "$status" -eq "$TOO_SMALL" ] || exit "$status"
done
