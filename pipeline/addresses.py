"""Whether a web address written by an author can be opened: its host is a host name."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# A host name's labels: letters (of any script), digits and hyphens, not at either end.
HOST_LABEL = re.compile(r"(?!-)[^\W_](?:[\w-]*[^\W_])?")


def host_problem(url: str) -> str | None:
    """Why the http(s) address ``url`` cannot be opened, to follow it in a message (its host
    is a placeholder such as ``https://...``, or empty); ``None`` when its host is a host name,
    an IP address or ``localhost``, or when ``url`` is no http(s) address (checked apart)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:  # a bracketed host that is no IPv6 address
        return " (its host is not a host name)"
    if parts.scheme.lower() not in ("http", "https"):
        return None
    if ":" in host and re.fullmatch(r"[0-9a-fA-F:.]+", host):  # IPv6
        return None
    labels = host.removesuffix(".").split(".")  # "example.org." is fully qualified
    if not host or not all(HOST_LABEL.fullmatch(label) for label in labels):
        return f" (its host '{host}' is not a host name: write the address readers will open)"
    return None
