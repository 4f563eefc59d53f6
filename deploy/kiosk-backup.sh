#!/bin/sh
# Run by escout-kiosk-backup.service: `kiosk backup --to "$BACKUP_TO"` when a folder is set
# in /etc/escout-kiosk/backup.env, else one line and exit 0 (nothing to do is no failure).
# KIOSK_BIN names another kiosk program (tests, a checkout).
set -eu
KIOSK=${KIOSK_BIN:-/opt/escout-kiosk/.venv/bin/kiosk}
if [ -z "${BACKUP_TO:-}" ]; then
    echo "escout-kiosk-backup: no BACKUP_TO in /etc/escout-kiosk/backup.env; nothing copied"
    exit 0
fi
if [ -n "${BACKUP_KEEP:-}" ]; then
    exec "$KIOSK" backup --to "$BACKUP_TO" --keep "$BACKUP_KEEP"
fi
exec "$KIOSK" backup --to "$BACKUP_TO"
