#!/usr/bin/env python3
"""Checks that a screenshot PNG is a complete window: the expected size and
real content (not blank, not a single flat colour, some coloured plot ink).

usage: check-png.py FILE.png WIDTH HEIGHT
Decodes 8-bit RGB/RGBA PNGs (what GTK writes) with the standard library only.
"""
import struct
import sys
import zlib


def read_png(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    width, height, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError(f"unsupported PNG (depth {depth}, colour type {ctype}, interlace {interlace})")
    bpp = 4 if ctype == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pr) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def main():
    path, want_w, want_h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    w, h, bpp, rows = read_png(path)
    # The window's content can be a few pixels smaller than the requested
    # default size (client-side decorations).
    if not (want_w - 40 <= w <= want_w and want_h - 40 <= h <= want_h):
        print(f"{path}: {w}x{h}, expected about {want_w}x{want_h}")
        return 1
    colours, ink, total = set(), 0, 0
    lum_sum = lum_sq = 0.0
    for y in range(0, h, 2):
        row = rows[y]
        for x in range(0, w, 2):
            r, g, b = row[x * bpp], row[x * bpp + 1], row[x * bpp + 2]
            colours.add((r >> 3, g >> 3, b >> 3))
            lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
            lum_sum += lum
            lum_sq += lum * lum
            if max(r, g, b) - min(r, g, b) > 60:
                ink += 1
            total += 1
    mean = lum_sum / total
    std = (lum_sq / total - mean * mean) ** 0.5
    ok = len(colours) >= 64 and std >= 8.0 and ink / total >= 0.001
    print(f"{path}: {w}x{h}, {len(colours)} colours, luminance std {std:.1f}, coloured {100 * ink / total:.2f}%"
          + ("" if ok else "  <- looks blank or incomplete"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
