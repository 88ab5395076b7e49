"""Real-world broken and tricky images, built in memory: later frames broken, frames beyond the
screen, MPOs, progressive JPEGs of many scans, and animations to compare frame by frame."""
import io
import struct
import zlib

from PIL import Image

COLOURS = [(230, 30, 30), (30, 200, 60), (40, 60, 220), (240, 200, 20)]


def frames(count, size=(40, 30), mode="RGBA"):
    """Distinct frames: a coloured block moving over a transparent (or white) background."""
    out = []
    for index in range(count):
        background = (0, 0, 0, 0) if mode == "RGBA" else (255, 255, 255)
        frame = Image.new(mode, size, background)
        x = index * size[0] // (count + 1)
        frame.paste(COLOURS[index % len(COLOURS)], (x, 4, x + size[0] // 3, size[1] - 4))
        out.append(frame)
    return out


def animation(fmt, durations, loop=0, **params):
    """An animation in GIF, PNG (APNG) or WEBP with one frame per duration."""
    images = frames(len(durations), mode="RGB" if fmt == "GIF" else "RGBA")
    buf = io.BytesIO()
    images[0].save(buf, fmt, save_all=True, append_images=images[1:], duration=list(durations),
                   loop=loop, **params)
    return buf.getvalue()


# --- PNG chunks ------------------------------------------------------------------------

def png_chunks(data):
    """[(type, body)] of a PNG."""
    chunks, pos = [], 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunks.append((kind, data[pos + 8:pos + 8 + length]))
        pos += 12 + length
    return chunks


def png_from_chunks(chunks):
    """PNG bytes of [(type, body)], with correct CRCs."""
    out = [b"\x89PNG\r\n\x1a\n"]
    for kind, body in chunks:
        out.append(struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body)))
    return b"".join(out)


def _last_fdat(chunks):
    return max(i for i, (kind, _) in enumerate(chunks) if kind == b"fdAT")


def apng_bad_sequence():
    """A 3-frame APNG whose last frame's data chunk has a wrong sequence number."""
    chunks = png_chunks(animation("PNG", [100, 200, 300]))
    index = _last_fdat(chunks)
    body = chunks[index][1]
    chunks[index] = (b"fdAT", struct.pack(">I", struct.unpack(">I", body[:4])[0] + 7) + body[4:])
    return png_from_chunks(chunks)


def apng_missing_frame_data():
    """A 3-frame APNG whose last frame has its control chunk but no data chunk."""
    chunks = png_chunks(animation("PNG", [100, 200, 300]))
    del chunks[_last_fdat(chunks)]
    return png_from_chunks(chunks)


def apng_truncated_last_frame():
    """A 3-frame APNG cut in the middle of its last frame's data (IEND gone too)."""
    chunks = png_chunks(animation("PNG", [100, 200, 300]))
    index = _last_fdat(chunks)
    whole = png_from_chunks(chunks[:index + 1])
    return whole[:-(len(chunks[index][1]) // 2 + 4)]


# --- GIF -------------------------------------------------------------------------------

def gif_frame_beyond_screen(width, height):
    """A 2-frame GIF of a 100x100 screen whose second frame claims width x height pixels."""
    first, second = Image.new("P", (100, 100), 0), Image.new("P", (100, 100), 1)
    for img in (first, second):
        img.putpalette([0, 0, 0, 255, 255, 255])
    buf = io.BytesIO()
    first.save(buf, "GIF", save_all=True, append_images=[second], optimize=False)
    data = buf.getvalue()
    descriptor = b"," + struct.pack("<HHHH", 0, 0, 100, 100)
    at = data.index(descriptor, data.index(descriptor) + 1)  # the second frame's
    return data[:at] + b"," + struct.pack("<HHHH", 0, 0, width, height) + data[at + 9:]


def tiny_gif_with_huge_screen(width=20000, height=20000):
    """A GIF of a few dozen bytes whose logical screen is width x height."""
    img = Image.new("P", (1, 1), 0)
    img.putpalette([0, 0, 0, 255, 255, 255])
    buf = io.BytesIO()
    img.save(buf, "GIF")
    data = buf.getvalue()
    return data[:6] + struct.pack("<HH", width, height) + data[10:]


def gif_with_comment(comment):
    """A still GIF carrying a comment extension."""
    buf = io.BytesIO()
    frames(1, mode="RGB")[0].save(buf, "GIF", comment=comment)
    return buf.getvalue()


# --- JPEG ------------------------------------------------------------------------------

def jpeg_with_comment(comment):
    """A JPEG carrying a COM segment."""
    buf = io.BytesIO()
    frames(1, size=(64, 48), mode="RGB")[0].save(buf, "JPEG", comment=comment)
    return buf.getvalue()


def mpo(broken_second=False):
    """An MPO (two JPEGs and an MP index), optionally with its second image cut short."""
    first, second = frames(2, size=(64, 48), mode="RGB")
    buf = io.BytesIO()
    first.save(buf, "MPO", save_all=True, append_images=[second])
    data = buf.getvalue()
    if broken_second:
        second = data.rindex(b"\xff\xd8\xff")  # the second image's start (SOI, then a marker)
        data = data[:data.index(b"\xff\xda", second) + 40]  # it stops just inside its scan
    return data


def _segments(data):
    """[(start, end)] of each marker segment of a JPEG, a scan running to the next marker."""
    out, pos = [], 2
    while pos < len(data) - 1:
        code = data[pos + 1]
        if code == 0xD9:
            out.append((pos, pos + 2))
            break
        end = pos + 2 + struct.unpack(">H", data[pos + 2:pos + 4])[0]
        if code == 0xDA:  # entropy-coded data follows, up to the next real marker
            while not (data[end] == 0xFF and data[end + 1] not in (0x00, *range(0xD0, 0xD8))):
                end += 1
        out.append((pos, end))
        pos = end
    return out


def progressive_jpeg(size, extra_scans):
    """A real progressive JPEG of a flat grey image with `extra_scans` more scans.

    The extra scans repeat the first AC scan: each is a few bytes (an end-of-band run over
    every block) yet makes libjpeg go over every block of the image once more.
    """
    buf = io.BytesIO()
    Image.new("L", size, 128).save(buf, "JPEG", progressive=True, quality=90)
    data = buf.getvalue()
    scans = [(s, e) for s, e in _segments(data) if data[s + 1] == 0xDA]
    start, end = scans[1]  # the first AC scan (libjpeg's progression: DC first, then AC)
    return data[:end] + data[start:end] * extra_scans + data[end:]


def _gif_image_data(img):
    """The image descriptor flags and LZW data of a P image, as Pillow writes them alone."""
    buf = io.BytesIO()
    img.save(buf, "GIF", optimize=False)
    data = buf.getvalue()
    at = data.index(b",", 13 + 3 * 2 ** ((data[10] & 7) + 1))  # after the header and global palette
    end = at + 10
    end += 1  # LZW minimum code size
    while data[end]:
        end += data[end] + 1
    return data[at + 9:end + 1]  # flags byte, code size, sub-blocks, terminator


def gif_by_hand(size, palette, frames):
    """A GIF whose frames are written as given: [(P image, (x, y), disposal, duration)].

    Unlike Pillow's writer, no frame is cut down to what changed: a frame may draw again
    what a "restore to previous" disposal removed, as other encoders' files do.
    """
    bits = 1
    while 2 ** bits < len(palette) // 3:
        bits += 1
    out = [b"GIF89a", struct.pack("<HHBBB", *size, 0x80 | (bits - 1), 0, 0),
           bytes(palette) + b"\x00" * (3 * 2 ** bits - len(palette))]
    for img, (x, y), disposal, duration in frames:
        img.putpalette(palette)
        out.append(b"\x21\xf9\x04" + bytes([disposal << 2]) + struct.pack("<H", duration // 10) + b"\x00\x00")
        out.append(b"," + struct.pack("<HHHH", x, y, *img.size) + _gif_image_data(img))
    out.append(b";")
    return b"".join(out)
