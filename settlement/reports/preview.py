"""Look at the workbooks as a person would: LibreOffice (headless) prints each one to PDF, and
pdftoppm turns every page into a PNG image (``make preview``).

Needs Debian's ``libreoffice-calc``, ``poppler-utils``, a CJK font and Calibri's metric twin:
``apt-get install libreoffice-calc poppler-utils fonts-noto-cjk fonts-crosextra-carlito``.

The workbooks name the fonts a finance office's Windows has (宋体, 黑体, and Calibri as the
workbook's default, which sets the column widths). Here they are printed with look-alikes of
the same widths (Carlito for Calibri; Noto Sans Mono CJK for 宋体 and 黑体), so that the pages
show what Excel or WPS would print.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def convert(workbooks: list[Path], out_dir: Path, pages: int | None = None, dpi: int = 80) -> list[Path]:
    """Every page of each workbook as PNG (or its first ``pages``); the PDFs stay beside them."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdftoppm = shutil.which("pdftoppm")
    if not soffice or not pdftoppm:
        raise SystemExit(
            "需要 LibreOffice 和 pdftoppm：apt-get install libreoffice-calc poppler-utils fonts-noto-cjk"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    images: list[Path] = []
    with tempfile.TemporaryDirectory() as profile:
        env = {**os.environ, "FONTCONFIG_FILE": _fontconfig(Path(profile))}
        for book in workbooks:
            for old in out_dir.glob(f"{book.stem}-*.png"):
                old.unlink()
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation=file://{profile}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(out_dir),
                    str(book),
                ],
                check=True,
                capture_output=True,
                timeout=600,
                env=env,
            )
            pdf = out_dir / (book.stem + ".pdf")
            last = ["-l", str(pages)] if pages else []
            subprocess.run(
                [pdftoppm, "-png", "-r", str(dpi), "-f", "1", *last, str(pdf), str(out_dir / book.stem)],
                check=True,
                timeout=600,
            )
            images += sorted(out_dir.glob(f"{book.stem}-*.png"))
    return images


# 宋体 and 黑体 write Latin letters and digits half as wide as a Chinese character, as Noto Sans
# Mono CJK does (the proportional Noto CJK fonts set them wider than Excel would)
FONT_ALIASES = {
    "宋体": "Noto Sans Mono CJK SC",
    "SimSun": "Noto Sans Mono CJK SC",
    "黑体": "Noto Sans Mono CJK SC",
    "SimHei": "Noto Sans Mono CJK SC",
    "Calibri": "Carlito",
}


def _fontconfig(folder: Path) -> str:
    aliases = "".join(
        f'<alias binding="same"><family>{name}</family><prefer><family>{to}</family></prefer></alias>'
        for name, to in FONT_ALIASES.items()
    )
    path = folder / "fonts.conf"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig><include'
        f' ignore_missing="yes">/etc/fonts/fonts.conf</include>{aliases}</fontconfig>',
        encoding="utf-8",
    )
    return str(path)


def main(argv: list[str]) -> None:
    folder = Path(argv[0]) if argv else Path("out/preview/2025")
    books = sorted(folder.glob("*.xlsx"))
    if not books:
        raise SystemExit(f"{folder} 中没有 xlsx 文件")
    for image in convert(books, folder / "pages"):
        print(image)


if __name__ == "__main__":
    main(sys.argv[1:])
