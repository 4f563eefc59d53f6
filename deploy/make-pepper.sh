#!/bin/sh
# Make the PIN pepper (README "PIN and pepper"): 32 random bytes as 64 hex digits in FILE,
# owned by OWNER and readable by OWNER alone (0400). Run by install.sh as
#   make-pepper.sh /etc/escout-kiosk/pepper kiosk
# An existing FILE is never replaced: every PIN stored with it would stop working. Its folder
# stays readable (0755), so OWNER reaches the file.
set -eu
[ $# -eq 2 ] || { echo "usage: make-pepper.sh FILE OWNER" >&2; exit 2; }
FILE=$1
OWNER=$2
if [ -e "$FILE" ]; then
    echo "make-pepper.sh: $FILE exists; kept"
    exit 0
fi
DIR=$(dirname "$FILE")
[ -d "$DIR" ] || install -d -m 0755 "$DIR"
umask 077
TMP=$(mktemp "$DIR/.pepper.XXXXXX")
trap 'rm -f "$TMP"' EXIT
od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$TMP"
echo >>"$TMP"
chown "$OWNER:" "$TMP"
chmod 0400 "$TMP"
# A link never replaces a file: another run that made one first wins.
if ln "$TMP" "$FILE" 2>/dev/null; then
    echo "make-pepper.sh: made $FILE"
else
    echo "make-pepper.sh: $FILE exists; kept"
fi
