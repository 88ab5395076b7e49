"""Real camera photos for the image benchmarks, fetched from Debian's archive on first use.

The benchmarks' generated JPEGs ("grain", "smooth") do not stand for a camera photo: one is per-pixel
noise, the other smooth gradients. These photos are the Ubuntu Touch wallpaper-contest entries that
Debian ships in `lomiri-wallpapers-16.04` and `lomiri-wallpapers-20.04` (bookworm, 20.04.0-2), full
size as the photographers submitted them, under free licences (CC0, CC-BY, CC-BY-SA: the packages'
copyright files). They are not committed: `apt-get download` fetches the two packages (27 MB) into
bench/photos/, only the named JPEGs are kept, and each is checked against its SHA-256 so every run
measures the same bytes.

`python bench/photos.py` fetches them all and lists them; the benchmarks take `--source NAME`
(e.g. `--source sunset`) through `source_bytes()`, which fetches a photo the first time it is named.
"""
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

FOLDER = Path(__file__).resolve().parent / "photos"
# name: (Debian package, file in it, SHA-256, what it shows, licence)
PHOTOS = {
    "sunset": ("lomiri-wallpapers-16.04", "sunset_by_Aitzol_Berasategi.jpg",
               "474dab6a4b9f94dc76c29dfe30e9f5db4af0fd2e33fe5d695f8152b371efca18",
               "4272x2848 (12.2 MP): mountain top against the sun, grass and rock", "CC-BY-4.0"),
    "dragonfly": ("lomiri-wallpapers-16.04", "Dragonfly_by_Bolly.jpg",
                  "af5af17841009732def24b09bb1e669a1b09d2b4bdeee7812c371101c30d2bb3",
                  "4224x3168 (13.4 MP, 4:3): dragonfly on a twig, leaves, sky", "CC-BY-SA-4.0"),
    "seeding": ("lomiri-wallpapers-16.04", "seeding_by_Clements_Engelhardt.jpg",
                "a5634d1ab5e41a3568e92d4a894a500c92b891f9ff734e50bd224d6e185a605f",
                "5312x2988 (15.9 MP): dandelion clocks against the light, shallow depth of field", "CC0-1.0"),
    "bridge": ("lomiri-wallpapers-16.04", "Bridge_by_Sander_Klootwijk.jpg",
               "bd86b081f9975e2b83527f71e49b9271a8ab40885428395969d9f7d834d7f050",
               "4352x2448 (10.7 MP): bridge cables, sky, tidal flats", "CC-BY-SA-4.0"),
    "kleiber": ("lomiri-wallpapers-20.04", "Kleiber_by_Lukas_Baubkus.jpg",
                "6572410c09f4492c74ccadde133565a14c0161617d5917d4c820c66d65a44ba7",
                "6028x3391 (20.4 MP): nuthatch on bark, blurred background", "CC-BY-SA-4.0"),
    "picos": ("lomiri-wallpapers-16.04", "picosdeeuropa_by_Aitzol_Berasategi.jpg",
              "414d0072b2f6f2c555deafeaef6e45c4fed6fa9ad26eba6560ca8803959cf97a",
              "3264x2448 (8.0 MP): rock faces, snow, a path through grass: fine texture everywhere",
              "CC-BY-4.0"),
}


def source_bytes(source):
    """The JPEG a benchmark measures: "grain" or "smooth" (generated, 4000x3000), a photo's name, or a path."""
    if source == "grain":
        from bench_thumbnails import detailed_jpeg
        return detailed_jpeg(4000, 3000)
    if source == "smooth":
        from mediadmin.demo import photo_like_image
        return photo_like_image(4000, 3000, seed=1)
    if source in PHOTOS:
        return photo_path(source).read_bytes()
    return Path(source).read_bytes()


def photo_path(name):
    """The photo's path in bench/photos/, fetched from Debian's archive first if it is not there."""
    package, file_name, sha256, _, _ = PHOTOS[name]
    path = FOLDER / file_name
    if not (path.exists() and _sha256(path) == sha256):
        fetch([package])
    if _sha256(path) != sha256:
        sys.exit(f"{path} does not have the expected SHA-256; delete bench/photos/ and run again.")
    return path


def fetch(packages):
    """Download the Debian packages with apt-get and keep only the photos named in PHOTOS."""
    FOLDER.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mediadmin-photos-") as work:
        for package in sorted(set(packages)):
            print(f"Fetching {package} from Debian's archive (apt-get download)...", file=sys.stderr)
            try:
                # As root, apt would warn that its sandbox user cannot write to the temporary folder.
                subprocess.run(["apt-get", "download", "-q", "-o", "APT::Sandbox::User=root", package],
                               cwd=work, check=True, stdout=subprocess.DEVNULL)
            except (OSError, subprocess.CalledProcessError) as error:
                sys.exit(f"Could not download {package} ({error}). The photos need Debian's apt and its "
                         "archive; or put the JPEGs named in bench/photos.py into bench/photos/ by hand.")
            deb = next(Path(work).glob(f"{package}_*.deb"))
            _extract(deb, {entry[1] for entry in PHOTOS.values() if entry[0] == package})


def _extract(deb, wanted):
    # dpkg-deb streams the data archive as a plain tar; only the wanted JPEGs are written.
    tar_stream = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE)
    with tarfile.open(fileobj=tar_stream.stdout, mode="r|") as archive:
        for member in archive:
            name = Path(member.name).name
            if member.isfile() and name in wanted:
                with archive.extractfile(member) as data, open(FOLDER / name, "wb") as out:
                    shutil.copyfileobj(data, out)
    tar_stream.wait()


def _sha256(path):
    if not path.exists():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()


if __name__ == "__main__":
    for key, (_, _, _, shows, licence) in PHOTOS.items():
        print(f"{key:<10} {photo_path(key).relative_to(FOLDER.parent.parent)}  {shows}  [{licence}]")
