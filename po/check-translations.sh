#!/bin/sh
# check-translations.sh SOURCE_ROOT: every language in po/LINGUAS has a
# valid and complete translation.
#
# For each language: po/LANG.po exists, `msgfmt --check` accepts it (syntax,
# headers, printf formats), and it translates every string of a .pot freshly
# extracted from po/POTFILES.in, with no fuzzy or untranslated entry
# (msgcmp). Run `ninja pfm-explorer-update-po` after changing strings, then
# translate what it marks. Exits 77 (skipped) while LINGUAS is empty.
#
# Copyright 2026 The PFM Explorer developers
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

root=${1:?usage: check-translations.sh SOURCE_ROOT}
cd "$root"

langs=$(sed -e 's/#.*//' po/LINGUAS | tr -s ' \t' '\n\n' | sed '/^$/d')
if [ -z "$langs" ]; then
    echo "po/LINGUAS lists no language: nothing to check"
    exit 77
fi

for tool in xgettext msgfmt msgcmp; do
    if ! command -v "$tool" > /dev/null; then
        echo "$tool not found (Debian package gettext): skipped"
        exit 77
    fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The same extraction as meson's pot target with the glib preset.
xgettext --package-name=pfm-explorer -D . -f po/POTFILES.in -o "$tmp/pfm-explorer.pot" \
    --from-code=UTF-8 --add-comments \
    --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
    --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
    --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
    --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
    --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
    --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
    --flag=g_markup_printf_escaped:1:c-format --flag=g_log:3:c-format \
    --flag=g_print:1:c-format --flag=g_printerr:1:c-format --flag=g_printf:1:c-format \
    --flag=g_fprintf:2:c-format --flag=g_sprintf:2:c-format --flag=g_snprintf:3:c-format

status=0
for lang in $langs; do
    po="po/$lang.po"
    if [ ! -f "$po" ]; then
        echo "$lang: po/LINGUAS lists it but $po does not exist"
        status=1
        continue
    fi
    if ! msgfmt --check --statistics -o /dev/null "$po"; then
        echo "$lang: msgfmt --check rejects $po"
        status=1
        continue
    fi
    # Missing, fuzzy and untranslated entries all count as not defined.
    if ! msgcmp "$po" "$tmp/pfm-explorer.pot"; then
        echo "$lang: $po does not translate every current string"
        status=1
    else
        echo "$lang: complete"
    fi
done
exit "$status"
