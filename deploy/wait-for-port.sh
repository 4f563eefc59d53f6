#!/usr/bin/env bash
# Wait until HOST PORT takes a connection. escout-kiosk-browser.service runs it first: a
# chromium that starts before `kiosk serve` listens shows its own error page, and keeps it
# (the kiosk page's reconnecting never loaded), so after a boot the panel stayed blank.
set -u
host="$1" port="$2"
until (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; do sleep 0.5; done
