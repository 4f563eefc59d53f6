#!/usr/bin/env bash
# Install the kiosk on a Debian/Ubuntu PC as root: an unprivileged `kiosk` user, the app
# in /opt/escout-kiosk/.venv, the data dir /var/lib/escout-kiosk, the systemd units.
set -euo pipefail
SRC="$(cd "$(dirname "$0")/.." && pwd)"
apt-get install -y python3-venv cage foot fonts-dejavu-core grim xwayland
id kiosk >/dev/null 2>&1 || useradd --system --create-home --shell /usr/sbin/nologin kiosk
python3 -m venv /opt/escout-kiosk/.venv
/opt/escout-kiosk/.venv/bin/pip install "$SRC"
install -D -m 0755 "$SRC"/deploy/kiosk-session.sh /opt/escout-kiosk/deploy/kiosk-session.sh
install -D -m 0755 "$SRC"/deploy/smoke-headless.sh /opt/escout-kiosk/deploy/smoke-headless.sh
install -m 0644 "$SRC"/deploy/escout-kiosk.service /opt/escout-kiosk/deploy/escout-kiosk.service
install -d -o kiosk -g kiosk -m 0750 /var/lib/escout-kiosk
install -m 0644 "$SRC"/deploy/escout-kiosk*.service "$SRC"/deploy/escout-kiosk-purge.timer \
    /etc/systemd/system/
systemctl daemon-reload
systemctl enable --now escout-kiosk.service escout-kiosk-purge.timer
echo "Set the librarian PIN: sudo -u kiosk KIOSK_DATA_DIR=/var/lib/escout-kiosk /opt/escout-kiosk/.venv/bin/kiosk set-pin"
