#!/usr/bin/env python3
"""Renders the application icon (resources/icons/caduceus.svg) into every file the installers use.

    packaging/icons/render-icons.py            # needs rsvg-convert (Debian: librsvg2-bin)

Writes, under resources/icons/:
  png/caduceus-<N>.png   hicolor sizes for Linux (.deb, AppImage) and the About dialog
  caduceus.ico           Windows executable and installer icon (PNG-compressed entries)
  caduceus.icns          macOS bundle icon (PNG entries)

The rendered files are committed so that Windows and macOS builds need no SVG renderer; run this
script again after changing the SVG.
"""
import pathlib
import shutil
import struct
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
ICONS = ROOT / "resources" / "icons"
SOURCE = ICONS / "caduceus.svg"
HICOLOR_SIZES = [16, 22, 24, 32, 48, 64, 128, 256, 512]
ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]
# ICNS element types holding PNG data, by pixel size (the @2x types double their point size).
ICNS_TYPES = [(b"ic11", 32), (b"ic12", 64), (b"ic07", 128), (b"ic13", 256), (b"ic08", 256),
              (b"ic14", 512), (b"ic09", 512), (b"ic10", 1024)]


def render(size: int) -> bytes:
    result = subprocess.run(["rsvg-convert", "-w", str(size), "-h", str(size), str(SOURCE)],
                            check=True, capture_output=True)
    return result.stdout


def ico(images: dict) -> bytes:
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, payload = b"", b""
    for size, png in images.items():
        side = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset + len(payload))
        payload += png
    return header + entries + payload


def icns(images: dict) -> bytes:
    body = b"".join(kind + struct.pack(">I", 8 + len(images[size])) + images[size] for kind, size in ICNS_TYPES)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    if shutil.which("rsvg-convert") is None:
        print("render-icons: rsvg-convert is missing (apt install librsvg2-bin)", file=sys.stderr)
        return 2
    sizes = sorted(set(HICOLOR_SIZES + ICO_SIZES + [size for _, size in ICNS_TYPES]))
    images = {size: render(size) for size in sizes}
    (ICONS / "png").mkdir(exist_ok=True)
    for size in HICOLOR_SIZES:
        (ICONS / "png" / f"caduceus-{size}.png").write_bytes(images[size])
    (ICONS / "caduceus.ico").write_bytes(ico({size: images[size] for size in ICO_SIZES}))
    (ICONS / "caduceus.icns").write_bytes(icns(images))
    print(f"render-icons: wrote {len(HICOLOR_SIZES)} PNGs, caduceus.ico and caduceus.icns in {ICONS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
