"""Look at the workbooks as a person would: LibreOffice (headless) prints each one to PDF, and
pdftoppm turns the pages into PNG images (``make preview``).

Needs Debian's ``libreoffice-calc``, ``poppler-utils`` and a CJK font (``fonts-noto-cjk``):
``apt-get install libreoffice-calc poppler-utils fonts-noto-cjk``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def convert(workbooks: list[Path], out_dir: Path, pages: int = 2, dpi: int = 80) -> list[Path]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdftoppm = shutil.which("pdftoppm")
    if not soffice or not pdftoppm:
        raise SystemExit("需要 LibreOffice 和 pdftoppm：apt-get install libreoffice-calc poppler-utils fonts-noto-cjk")
    out_dir.mkdir(parents=True, exist_ok=True)
    images: list[Path] = []
    with tempfile.TemporaryDirectory() as profile:
        for book in workbooks:
            subprocess.run(
                [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", str(out_dir), str(book)],
                check=True, capture_output=True, timeout=300,
            )
            pdf = out_dir / (book.stem + ".pdf")
            subprocess.run([pdftoppm, "-png", "-r", str(dpi), "-f", "1", "-l", str(pages), str(pdf), str(out_dir / book.stem)], check=True, timeout=120)
            images += sorted(out_dir.glob(f"{book.stem}-*.png"))
    return images


def main(argv: list[str]) -> None:
    folder = Path(argv[0]) if argv else Path("out/preview/2025")
    books = sorted(folder.glob("*.xlsx"))
    if not books:
        raise SystemExit(f"{folder} 中没有 xlsx 文件")
    for image in convert(books, folder / "pages"):
        print(image)


if __name__ == "__main__":
    main(sys.argv[1:])
