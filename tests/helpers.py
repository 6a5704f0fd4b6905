"""Readers for the files the pipeline writes: what a person would see in them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
EPOCH = "1760000000"  # 2025-10-09


def pdf_pages(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(path).pages]


def epub_documents(path: Path) -> dict[str, etree._Element]:
    """The EPUB's XHTML documents, parsed, by name."""
    with zipfile.ZipFile(path) as z:
        return {n: etree.parse(io.BytesIO(z.read(n))).getroot()
                for n in z.namelist() if n.endswith(".xhtml")}


def epub_text(path: Path) -> str:
    docs = epub_documents(path)
    return "\n".join(" ".join(root.itertext()) for name, root in sorted(docs.items())
                     if not name.endswith("nav.xhtml"))


def epub_opf(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        name = next(n for n in z.namelist() if n.endswith(".opf"))
        return etree.fromstring(z.read(name))
