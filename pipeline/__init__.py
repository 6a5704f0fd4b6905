"""Medical manuscripts and BibTeX in, print-ready PDF and EPUB handouts out."""

__version__ = "0.1.0"
