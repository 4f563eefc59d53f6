#!/usr/bin/env bash
# Install the kiosk on a Debian/Ubuntu PC as root: an unprivileged `kiosk` user, the app
# in /opt/escout-kiosk/.venv, the data dir /var/lib/escout-kiosk, the systemd units.
#
#   install.sh             the visitor screen for a touch panel (the default): chromium in
#                          kiosk mode under cage, showing `kiosk serve --kiosk` on 127.0.0.1
#                          (escout-kiosk-browser.service + escout-kiosk-web-kiosk.service)
#   install.sh --terminal  the app in a terminal, foot under cage (escout-kiosk.service): for
#                          keyboard-and-scanner kiosks, or where foot has touch input
#                          (Debian 12's foot 1.13 has none: taps would reach no one)
#
# Running it again switches between the two and keeps the data. The screen is enabled, not
# started: it takes over tty1 (Conflicts=getty@tty1), which would end a login there, this
# script's own included. Reboot, or start it from SSH or another console (the last line
# says how).
set -euo pipefail
SRC="$(cd "$(dirname "$0")/.." && pwd)"
PREFIX=/opt/escout-kiosk
UNITS=/etc/systemd/system

ROUTE=browser
for arg in "$@"; do
    case "$arg" in
        --terminal) ROUTE=terminal ;;
        -h | --help) sed -n '2,15s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown option $arg (see install.sh --help)" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" -eq 0 ] || { echo "install.sh: run as root (sudo $0 $*)" >&2; exit 2; }

# grim, xvfb, xdotool and x11-utils serve the smoke test (deploy/smoke-headless.sh).
# "Read aloud": espeak-ng plays through ALSA straight to the PC's speakers (the kiosk runs as
# a system user with no desktop session, so no PipeWire or PulseAudio: ALSA's default device
# is the sound card); alsa-utils restores the card's volume at boot and gives amixer and
# speaker-test. The emoji font draws the button's speaker sign.
PACKAGES=(python3-venv cage foot fonts-dejavu-core grim xwayland xvfb xdotool x11-utils
    espeak-ng alsa-utils fonts-noto-color-emoji)
[ "$ROUTE" = browser ] && PACKAGES+=(chromium)
apt-get install -y "${PACKAGES[@]}"

# lp: USB receipt printers (the udev rule below); dialout: serial and USB-serial printers.
if id kiosk >/dev/null 2>&1; then
    usermod --append --groups lp,dialout kiosk
else
    useradd --system --create-home --shell /usr/sbin/nologin --groups lp,dialout kiosk
fi
# audio: the sound card, for "Read aloud" (the units run as kiosk with its groups).
usermod --append --groups audio kiosk
python3 -m venv "$PREFIX/.venv"
# [smoke]: Playwright, with which the smoke test drives the kiosk page (no browser download).
"$PREFIX/.venv/bin/pip" install "$SRC[smoke]"
install -D -m 0755 "$SRC"/deploy/kiosk-session.sh "$PREFIX/deploy/kiosk-session.sh"
install -D -m 0755 "$SRC"/deploy/smoke-headless.sh "$PREFIX/deploy/smoke-headless.sh"
install -D -m 0755 "$SRC"/deploy/kiosk-backup.sh "$PREFIX/deploy/kiosk-backup.sh"
install -D -m 0755 "$SRC"/deploy/wait-for-port.sh "$PREFIX/deploy/wait-for-port.sh"
# The smoke test runs the units' own commands: it reads them beside itself.
install -m 0644 "$SRC"/deploy/escout-kiosk*.service "$PREFIX/deploy/"
install -d -o kiosk -g kiosk -m 0750 /var/lib/escout-kiosk

install -m 0644 "$SRC"/deploy/escout-kiosk*.service "$SRC"/deploy/escout-kiosk*.timer "$UNITS/"
install -D -m 0644 "$SRC"/deploy/chromium-kiosk-policy.json \
    /etc/chromium/policies/managed/escout-kiosk.json
# The backup target is the library's own choice: never overwrite it.
[ -e /etc/escout-kiosk/backup.env ] ||
    install -D -m 0644 "$SRC"/deploy/backup.env /etc/escout-kiosk/backup.env
# The PIN pepper, outside the data dir and its backups, read by the kiosk user alone; made
# once, never replaced (README "PIN and pepper": moving it to a new PC).
"$SRC"/deploy/make-pepper.sh /etc/escout-kiosk/pepper kiosk

install -m 0644 "$SRC"/deploy/60-escout-kiosk-printer.rules /etc/udev/rules.d/
udevadm control --reload-rules
udevadm trigger --subsystem-match=usb --subsystem-match=usbmisc

# The kiosk screens are wanted by graphical.target: make sure the PC boots to it.
if [ "$(systemctl get-default)" != graphical.target ]; then
    systemctl set-default graphical.target
fi

systemctl daemon-reload
if [ "$ROUTE" = browser ]; then
    SCREEN=escout-kiosk-browser.service
    systemctl disable --quiet escout-kiosk.service escout-kiosk-tty.service
    systemctl enable --quiet escout-kiosk-browser.service
    # The page's server does not touch tty1: it may start now.
    systemctl enable --now --quiet escout-kiosk-web-kiosk.service
else
    SCREEN=escout-kiosk.service
    systemctl disable --quiet escout-kiosk-browser.service escout-kiosk-tty.service
    systemctl disable --now --quiet escout-kiosk-web-kiosk.service
    systemctl enable --quiet escout-kiosk.service
fi
systemctl enable --now --quiet escout-kiosk-purge.timer escout-kiosk-backup.timer \
    escout-kiosk-remind.timer

echo "Installed: the visitor screen is $SCREEN ($ROUTE), enabled for the next boot."
echo "Set the librarian PIN: sudo -u kiosk KIOSK_DATA_DIR=/var/lib/escout-kiosk $PREFIX/.venv/bin/kiosk set-pin"
echo "Nightly backups off the PC: set BACKUP_TO in /etc/escout-kiosk/backup.env (README)."
if [ "$(tty 2>/dev/null || true)" = /dev/tty1 ]; then
    echo "You are on tty1, which the kiosk screen takes over: reboot (sudo reboot) to start it."
else
    echo "Start it now: sudo reboot, or sudo systemctl start $SCREEN (takes over tty1)."
fi
