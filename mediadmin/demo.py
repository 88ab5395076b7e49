"""Demo content: photo-like images and small real PDFs, generated in memory."""
import io
import random

from PIL import Image, ImageDraw, ImageFilter, ImageOps

PALETTES = [
    ("#1d3557", "#f1faee"), ("#264653", "#e9c46a"), ("#3d405b", "#f2cc8f"),
    ("#22223b", "#c9ada7"), ("#003049", "#fcbf49"), ("#283618", "#dda15e"),
    ("#2b2d42", "#8d99ae"), ("#582f0e", "#ffe6a7"), ("#10002b", "#e0aaff"),
    ("#0b525b", "#99e2b4"), ("#7f5539", "#ede0d4"), ("#370617", "#ffba08"),
]


def photo_like_image(width, height, seed, fmt="JPEG"):
    """Bytes of a smooth, photo-like picture (gradient sky, soft shapes, grain)."""
    rng = random.Random(seed)
    dark, light = PALETTES[seed % len(PALETTES)]
    small = (max(width // 8, 8), max(height // 8, 8))
    gradient = Image.linear_gradient("L").resize(small).rotate(rng.choice([0, 15, -20, 180]))
    img = ImageOps.colorize(gradient, dark, light)
    draw = ImageDraw.Draw(img)
    for _ in range(rng.randint(4, 9)):
        x, y = rng.randrange(small[0]), rng.randrange(small[1])
        r = rng.randint(small[0] // 12 + 1, small[0] // 4 + 2)
        color = tuple(rng.randint(40, 230) for _ in range(3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=color)
    img = img.filter(ImageFilter.GaussianBlur(2)).resize((width, height), Image.Resampling.BICUBIC)
    grain = Image.effect_noise((width, height), 12).convert("RGB")
    img = Image.blend(img, grain, 0.06)
    buf = io.BytesIO()
    img.save(buf, fmt, quality=85) if fmt == "JPEG" else img.save(buf, fmt)
    return buf.getvalue()


def _pdf_escape(text):
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def simple_pdf(title, lines):
    """Bytes of a valid one-page PDF with a title and some lines of text."""
    body = [f"BT /F1 20 Tf 72 760 Td ({_pdf_escape(title)}) Tj ET"]
    for i, line in enumerate(lines):
        body.append(f"BT /F1 12 Tf 72 {720 - 18 * i} Td ({_pdf_escape(line)}) Tj ET")
    stream = "\n".join(body).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
