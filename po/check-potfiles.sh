#!/bin/sh
# check-potfiles.sh SOURCE_ROOT: po/POTFILES.in is complete and current.
#
# Fails when POTFILES.in lists a file that does not exist, or when a file
# with translatable strings is not listed: src/app/*.c and *.h calling _(),
# N_(), C_(), NC_(), g_dngettext() or g_dpgettext2(); ui/*.ui with
# translatable="yes"; and every translatable data file in data/.
# Files listed in po/POTFILES.skip are exempt from the second check.
#
# Copyright 2026 The PFM Explorer developers
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

root=${1:?usage: check-potfiles.sh SOURCE_ROOT}
cd "$root"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Listed paths: no comments, no blank lines, no trailing blanks.
strip_list() {
    sed -e 's/[[:space:]]*$//' -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*$/d' "$1" | LC_ALL=C sort -u
}
strip_list po/POTFILES.in > "$tmp/listed"
if [ -f po/POTFILES.skip ]; then
    strip_list po/POTFILES.skip > "$tmp/skipped"
else
    : > "$tmp/skipped"
fi

status=0

while IFS= read -r f; do
    if [ ! -f "$f" ]; then
        echo "po/POTFILES.in lists $f, which does not exist"
        status=1
    fi
done < "$tmp/listed"

# Files that must be listed.
{
    for f in data/*.desktop.in data/*.metainfo.xml.in data/*.gschema.xml data/*.mime.xml; do
        [ -f "$f" ] && echo "$f"
    done
    for f in src/app/*.c src/app/*.h; do
        [ -f "$f" ] || continue
        if grep -Eq '(^|[^A-Za-z0-9_])(_|N_|C_|NC_|g_dgettext|g_dcgettext|g_dngettext|g_dpgettext2?)[[:space:]]*\(' "$f"; then
            echo "$f"
        fi
    done
    for f in ui/*.ui src/app/*.ui; do
        [ -f "$f" ] || continue
        if grep -q 'translatable="yes"' "$f"; then
            echo "$f"
        fi
    done
} | LC_ALL=C sort -u > "$tmp/needed"

LC_ALL=C comm -23 "$tmp/needed" "$tmp/listed" | LC_ALL=C comm -23 - "$tmp/skipped" > "$tmp/missing"
while IFS= read -r f; do
    echo "$f has translatable strings but is not in po/POTFILES.in"
    status=1
done < "$tmp/missing"

if [ "$status" -eq 0 ]; then
    echo "po/POTFILES.in: $(wc -l < "$tmp/listed") files listed, all present, none missing"
fi
exit "$status"
