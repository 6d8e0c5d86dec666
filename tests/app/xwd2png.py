#!/usr/bin/env python3
# xwd2png.py - Xvfb's frame buffer (-fbdir DIR gives DIR/Xvfb_screen0, an
# XWD image) as a PNG, with the standard library only: what a user sees on
# the virtual screen, window manager decorations and popovers included.
#
#   xwd2png.py DIR/Xvfb_screen0 OUT.png
#
# Copyright 2026 The PFM Explorer developers
# SPDX-License-Identifier: GPL-3.0-or-later
import struct
import sys
import zlib


def read_xwd(path):
    with open(path, "rb") as f:
        data = f.read()
    fields = struct.unpack(">25I", data[:100])
    header_size, _version, _fmt, depth, width, height = fields[:6]
    byte_order, bpp, bytes_per_line = fields[7], fields[11], fields[12]
    ncolors = fields[19]
    if bpp != 32 or depth not in (24, 32):
        raise SystemExit(f"xwd2png: only 24/32-bit TrueColor frames are read (depth {depth}, {bpp} bpp)")
    offset = header_size + 12 * ncolors
    rows = []
    for y in range(height):
        line = data[offset + y * bytes_per_line: offset + y * bytes_per_line + 4 * width]
        out = bytearray(3 * width)
        # Pixel 0x00RRGGBB stored LSB first (byte_order 0) or MSB first.
        if byte_order == 0:
            out[0::3], out[1::3], out[2::3] = line[2::4], line[1::4], line[0::4]
        else:
            out[0::3], out[1::3], out[2::3] = line[1::4], line[2::4], line[3::4]
        rows.append(bytes(out))
    return width, height, rows


def write_png(path, width, height, rows):
    def chunk(kind, payload):
        c = struct.pack(">I", len(payload)) + kind + payload
        return c + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)

    raw = b"".join(b"\0" + r for r in rows)
    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 6))
    png += chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: xwd2png.py XWD OUT.png")
    w, h, r = read_xwd(sys.argv[1])
    write_png(sys.argv[2], w, h, r)
