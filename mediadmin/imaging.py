"""Pure Pillow helpers: probe an image without trusting its name. No ORM here."""
from dataclasses import dataclass

from django.conf import settings
from PIL import Image

EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}


@dataclass(frozen=True)
class ImageInfo:
    """What the file really is, read from its header."""

    format: str
    width: int
    height: int
    frames: int

    @property
    def pixels(self):
        """Pixels to decode, counting every frame of an animation."""
        return self.width * self.height * max(self.frames, 1)

    @property
    def extension(self):
        """File extension matching the detected format."""
        return EXTENSIONS.get(self.format, self.format.lower())


def allowed_formats():
    """Image formats Pillow may open for uploads (never EPS/PS, which run Ghostscript)."""
    return [fmt.upper() for fmt in settings.MEDIADMIN_IMAGE_FORMATS if fmt.upper() != "EPS"]


def open_restricted(fileobj):
    """Open an image with only the allowed format plugins; raises on anything else."""
    fileobj.seek(0)
    return Image.open(fileobj, formats=allowed_formats())


def probe(fileobj):
    """Read format, size and frame count from the header, without decoding pixels."""
    with open_restricted(fileobj) as img:
        return ImageInfo(img.format, img.width, img.height, getattr(img, "n_frames", 1))


def decode_fully(fileobj):
    """Decode every pixel (of the first frame) so truncated or corrupt data raises."""
    with open_restricted(fileobj) as img:
        img.load()
