"""Saving a workbook byte for byte the same from the same contents: fixed times in the zip and in
the document properties, written atomically."""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl.workbook import Workbook
from openpyxl.writer.excel import ExcelWriter

from .amount_texts import (
    CENTS,  # noqa: F401 (re-exported)
)
from .files import write_bytes_atomic
from .text_room import (  # noqa: F401 (re-exported)
    CELL_PADDING,
    fit_height,
    line_height,
    needed_height,
    row_heights,
    text_units,
    wrap_lines,
    wrapped_heights,
)

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_CORE_TIMES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose entries are all dated 1980-01-01, deflated at level 1 (the sheets are most of
    the bytes and compress well even so), with the document times in docProps/core.xml set to
    a fixed time: the same content gives the same bytes."""

    def __init__(self, file, fixed_time: str):
        super().__init__(file, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self.fixed_time = fixed_time.encode()

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        name = getattr(zinfo_or_arcname, "filename", zinfo_or_arcname)
        if isinstance(data, str):
            data = data.encode("utf-8")
        if name == "docProps/core.xml":
            data = _CORE_TIMES.sub(rb"\g<1>" + self.fixed_time + rb"\g<2>", data)
        entry = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.external_attr = 0o600 << 16
        super().writestr(entry, data, compresslevel=1)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        with open(filename, "rb") as source:
            self.writestr(arcname, source.read())


def save_deterministic(wb: Workbook, path, fixed_time: str) -> str:
    """Save so that the same content gives the same bytes: document times set to
    ``fixed_time`` (ISO, UTC) and every zip entry dated 1980-01-01. Atomic; returns SHA-256."""
    if wb.write_only and not wb.worksheets:
        wb.create_sheet()
    out = io.BytesIO()
    ExcelWriter(wb, _FixedTimeZip(out, fixed_time)).save()
    return write_bytes_atomic(path, out.getvalue())
