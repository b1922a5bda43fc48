#!/bin/sh
# Dump the tempaid database in pg_dump's custom format (compressed; restorable table by table with
# pg_restore), keep BACKUP_KEEP_DAYS days of dumps, and also copy the rule files (the rule editor's saves
# are recorded in the database, but the files are what the engine reads).
set -eu
: "${DATABASE_URL:?DATABASE_URL is not set}"
BACKUP_DIR="${BACKUP_DIR:-/var/backups/tempaid}"
KEEP="${BACKUP_KEEP_DAYS:-30}"
STAMP="$(date +%Y%m%d-%H%M%S)"
mkdir -p "$BACKUP_DIR"
URL="$(printf '%s' "$DATABASE_URL" | sed -e 's#^postgresql+psycopg://#postgresql://#' -e 's#^postgres://#postgresql://#')"
pg_dump --format=custom --no-owner --file="$BACKUP_DIR/tempaid-$STAMP.dump.part" "$URL"
mv "$BACKUP_DIR/tempaid-$STAMP.dump.part" "$BACKUP_DIR/tempaid-$STAMP.dump"
if [ -n "${RULES_DIR:-}" ] && [ -d "$RULES_DIR" ]; then
    tar -czf "$BACKUP_DIR/rules-$STAMP.tar.gz" -C "$RULES_DIR" .
fi
find "$BACKUP_DIR" -name 'tempaid-*.dump' -mtime +"$KEEP" -delete
find "$BACKUP_DIR" -name 'rules-*.tar.gz' -mtime +"$KEEP" -delete
echo "tempaid-$STAMP.dump"
