"""A small CMYK colour profile made in code, for tests of print-ready (CMYK) uploads.

No CMYK profile ships with Pillow, and the free ones are large or under licences this project
does not take in. This one is an ICC v2 input profile whose A2B0 table (lut8Type, 2 grid points)
maps each CMYK corner to a CIELAB colour the way a press does: inks are not pure, paper is white,
full black is dark but not 0. LittleCMS (and so Chromium's skcms) reads it like any other.
"""
import struct

D50 = (0.9642, 1.0, 0.8249)


def _s15(value):
    return struct.pack(">i", round(value * 65536))


def _desc(text):
    ascii_text = text.encode() + b"\0"
    # textDescriptionType: ASCII, then empty Unicode and ScriptCode parts.
    return b"desc" + b"\0" * 4 + struct.pack(">I", len(ascii_text)) + ascii_text + b"\0" * 8 + b"\0" * 70


def _xyz(x, y, z):
    return b"XYZ " + b"\0" * 4 + _s15(x) + _s15(y) + _s15(z)


def _press_lab(c, m, y, k):
    lightness = 100 - 45 * c - 40 * m - 8 * y
    a, b = -30 * c + 60 * m - 5 * y, -45 * c - 5 * m + 75 * y
    if k:
        lightness *= 0.2
    return max(lightness, 5), max(min(a, 127), -128), max(min(b, 127), -128)


def _a2b0():
    table = b"mft1" + b"\0" * 4 + bytes([4, 3, 2, 0])  # 4 in, 3 out, 2 grid points
    table += b"".join(_s15(v) for row in ((1, 0, 0), (0, 1, 0), (0, 0, 1)) for v in row)
    table += bytes(range(256)) * 4  # identity input curves
    for corner in range(16):  # C, M, Y, K bits, the first input varying slowest
        lightness, a, b = _press_lab(*((corner >> shift) & 1 for shift in (3, 2, 1, 0)))
        table += bytes([round(lightness / 100 * 255), round(a + 128), round(b + 128)])
    return table + bytes(range(256)) * 3  # identity output curves


def cmyk_profile():
    """The bytes of the profile ("mediadmin test CMYK")."""
    tags = [(b"desc", _desc("mediadmin test CMYK")), (b"wtpt", _xyz(*D50)),
            (b"cprt", b"text" + b"\0" * 4 + b"public domain\0"), (b"A2B0", _a2b0())]
    offset, table, data = 128 + 4 + 12 * len(tags), b"", b""
    for signature, body in tags:
        data += b"\0" * (-(offset + len(data)) % 4)  # tags start on 4-byte boundaries
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    body = struct.pack(">I", len(tags)) + table + data
    header = (struct.pack(">I", 128 + len(body)) + b"lcms" + bytes([2, 0x10, 0, 0]) + b"scnr" + b"CMYK"
              + b"Lab " + b"\0" * 12 + b"acsp" + b"\0" * 28 + _s15(D50[0]) + _s15(D50[1]) + _s15(D50[2])
              + b"\0" * 48)
    assert len(header) == 128
    return header + body
