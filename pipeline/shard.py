"""Shards: split a build over machines, then join their manifests.

``build --shard I/N`` builds the manuscripts assigned to shard I (from 1) of
N.  The assignment is *rendezvous hashing with bounded loads*:

1. Each manuscript has a stable identity (its path as given, relative to the
   working folder) and an expected cost: its file size plus a fixed 4 KiB
   per output edition (audience), since a short handout still costs a
   WeasyPrint run.
2. Manuscripts are visited in the order of a hash of their identity alone,
   so adding one does not reorder the others.
3. Each ranks the shards by ``sha256(identity, shard)`` and goes to the first
   one in its ranking whose load would stay within the capacity
   ``1.15 x total cost / N`` (the least loaded shard when none has room).

Every shard computes the same assignment from the same checkout, without
talking to the others.  Loads stay within 15% of the mean (unless one
manuscript alone is bigger); adding a manuscript moves only the few that
the new capacity or the newcomer's load push to their next choice, so a
shard's render cache mostly stays warm.

A shard's ``manifest.json`` carries a ``shard`` record (index, count, every
source of the build, its own sources, the ones that failed);
:func:`merge_manifests` checks that the shards fit together, nothing missing
or twice, copies their files into one folder and writes the joined manifest
in the contract's format.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import display_path

METHOD = "rendezvous-bounded-load/1"
SLACK = 1.15
EDITION_COST = 4096
AUDIENCES = re.compile(rb"^audiences:\s*\[([^\]]*)\]", re.MULTILINE)


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` -> ``(2, 4)``; ValueError with a readable message otherwise."""
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not m:
        raise ValueError(f"--shard wants I/N (for example 2/4), got '{text}'")
    index, count = int(m.group(1)), int(m.group(2))
    if count < 1:
        raise ValueError(f"--shard {text}: the number of shards must be 1 or more")
    if not 1 <= index <= count:
        raise ValueError(f"--shard {text}: there is no shard {index} of {count}: shards are "
                         f"numbered 1 to {count}")
    return index, count


def expected_cost(path: Path) -> int:
    """Bytes of the manuscript plus a fixed cost per edition."""
    try:
        data = path.read_bytes()
    except OSError:
        return EDITION_COST
    m = AUDIENCES.search(data[:4096])
    editions = len([a for a in m.group(1).split(b",") if a.strip()]) if m else 1
    return len(data) + EDITION_COST * max(editions, 1)


def _rank(identity: str, count: int) -> list[int]:
    scores = [(hashlib.sha256(f"{identity}\0{i}".encode()).digest(), i) for i in range(count)]
    return [i for _, i in sorted(scores, reverse=True)]


def assign(costs: dict[str, int], count: int) -> dict[str, int]:
    """Shard (0-based) of every identity; see the module's description."""
    total = sum(costs.values())
    capacity = SLACK * total / count
    loads = [0] * count
    out: dict[str, int] = {}
    order = sorted(costs, key=lambda k: (hashlib.sha256(k.encode()).digest(), k))
    for identity in order:
        cost = costs[identity]
        ranking = _rank(identity, count)
        chosen = next((s for s in ranking if loads[s] + cost <= capacity),
                      min(ranking, key=lambda s: loads[s]))
        loads[chosen] += cost
        out[identity] = chosen
    return out


def select(sources: list[Path], index: int, count: int) -> tuple[list[Path], dict[str, Any]]:
    """The sources of shard ``index`` of ``count``, and the record for its manifest."""
    names = {display_path(p): p for p in sources}
    costs = {name: expected_cost(path) for name, path in names.items()}
    shards = assign(costs, count)
    mine = sorted(name for name, s in shards.items() if s == index - 1)
    record = {
        "index": index, "count": count, "method": METHOD,
        "sources": mine,
        "all_sources": sorted(names),
        "cost": sum(costs[n] for n in mine), "total_cost": sum(costs.values()),
    }
    return [names[n] for n in mine], record


# ---------------------------------------------------------------- merging

@dataclass
class MergeResult:
    """The joined manifest, and every problem found (``where: message``)."""

    manifest: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _read(folder: Path, result: MergeResult) -> dict[str, Any] | None:
    path = folder / "manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        result.problems.append(f"{path}: no manifest here (did this shard build?)")
        return None
    except (OSError, ValueError) as exc:
        result.problems.append(f"{path}: not a readable manifest: {exc}")
        return None
    shard = data.get("shard") if isinstance(data, dict) else None
    if not isinstance(shard, dict) or not {"index", "count", "sources", "all_sources"} <= set(shard):
        result.problems.append(f"{path}: not a shard's manifest (no 'shard' record; build it "
                               "with --shard I/N)")
        return None
    wrong = _wrong_record(data)
    if wrong:
        result.problems.append(f"{path}: a damaged manifest: {wrong}; build the shard again")
        return None
    return data


def _wrong_record(data: dict[str, Any]) -> str | None:
    """What in a shard's manifest has the wrong form (a number as text, a path out), or None."""
    shard = data["shard"]
    count, index = shard["count"], shard["index"]
    if not isinstance(count, int) or not isinstance(index, int) or not 1 <= index <= count:
        return f"shard {index!r}/{count!r} is not I/N with 1 <= I <= N"
    for key in ("sources", "all_sources", "failed"):
        if not isinstance(shard.get(key, []), list) or not all(
                isinstance(s, str) for s in shard.get(key, [])):
            return f"'{key}' is not a list of manuscripts"
    for key in ("artifacts", "errors", "warnings"):
        if not isinstance(data.get(key, []), list) or not all(
                isinstance(e, dict) for e in data.get(key, [])):
            return f"'{key}' is not a list of records"
    for entry in data.get("artifacts", []):
        path = entry.get("path")
        if not isinstance(path, str) or not path or path.startswith(("/", "\\")) \
                or ".." in re.split(r"[/\\]", path):
            return f"artifact path {path!r} is not a file inside the shard's folder"
        if not all(isinstance(entry.get(k), str) for k in ("source", "sha256", "format")) \
                or not isinstance(entry.get("bytes"), int):
            return f"artifact {path!r} lacks its source, format, sha256 or bytes"
    return None


def merge_manifests(out: Path, folders: list[Path], copy: bool = True) -> MergeResult:
    """Join the manifests of the shards in ``folders`` into ``out``.

    Checks that the shards are the N of one build, each once; that every
    manuscript of the build has files or a recorded failure in its own shard;
    that no file is listed twice; that every listed file is there with its
    checksum.  Only when all holds are the files copied and ``out/manifest.json``
    written.
    """
    result = MergeResult()
    manifests: list[tuple[Path, dict[str, Any]]] = []
    for folder in folders:
        data = _read(folder, result)
        if data is not None:
            manifests.append((folder, data))
    if not manifests:
        return result
    first_folder, first = manifests[0]
    count = first["shard"]["count"]
    everything = first["shard"]["all_sources"]
    by_index: dict[int, Path] = {}
    owner: dict[str, tuple[Path, int]] = {}  # source -> (folder, shard index)
    for folder, data in manifests:
        shard, where = data["shard"], folder / "manifest.json"
        if shard["count"] != count or shard["all_sources"] != everything:
            result.problems.append(
                f"{where}: shard {shard['index']}/{shard['count']} is from another build than "
                f"{first_folder / 'manifest.json'} (different shard count or manuscripts)")
            continue
        if shard["index"] in by_index:
            result.problems.append(f"{where}: shard {shard['index']}/{count} appears twice "
                                   f"(also {by_index[shard['index']] / 'manifest.json'})")
            continue
        by_index[shard["index"]] = folder
        for source in shard["sources"]:
            if source in owner:
                result.problems.append(f"{where}: {source} is also built by shard "
                                       f"{owner[source][1]}/{count} ({owner[source][0]})")
            else:
                owner[source] = (folder, shard["index"])
    for index in range(1, count + 1):
        if index not in by_index:
            result.problems.append(f"shard {index}/{count}: missing (no folder given holds "
                                   "its manifest)")
    artifacts: dict[str, tuple[Path, dict[str, Any]]] = {}
    covered: set[str] = set()
    errors: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] = []
    by_folder = dict(manifests)
    for index, folder in sorted(by_index.items()):
        data, where = by_folder[folder], folder / "manifest.json"
        mine = set(data["shard"]["sources"])
        covered.update(s for s in data["shard"].get("failed", []) if s in mine)
        errors.extend(data.get("errors", []))
        warnings.extend(data.get("warnings", []))
        for entry in data.get("artifacts", []):
            path, source = entry.get("path", ""), entry.get("source", "")
            if source not in mine:
                result.problems.append(f"{where}: {path} comes from {source}, which is not "
                                       f"in shard {index}/{count}")
            if path in artifacts:
                result.problems.append(f"{where}: {path} is also listed by "
                                       f"{artifacts[path][0] / 'manifest.json'}")
                continue
            artifacts[path] = (folder, entry)
            covered.add(source)
            _check_file(folder, entry, result)
    for source in everything:
        if source in owner and source not in covered:
            folder, index = owner[source]
            result.problems.append(f"{folder / 'manifest.json'}: {source} (shard {index}/{count}) "
                                   "has no files and no recorded failure")
    if not result.ok:
        return result
    result.manifest = {
        "artifacts": sorted((entry for _, entry in artifacts.values()), key=lambda e: e["path"]),
        "errors": errors,
        "warnings": warnings,
    }
    if copy:
        _write(out, artifacts, result.manifest)
    return result


def _check_file(folder: Path, entry: dict[str, Any], result: MergeResult) -> None:
    path = folder / entry["path"]
    try:
        data = path.read_bytes()
    except OSError:
        result.problems.append(f"{path}: listed in the manifest but missing")
        return
    if hashlib.sha256(data).hexdigest() != entry.get("sha256") or len(data) != entry.get("bytes"):
        result.problems.append(f"{path}: does not match its manifest entry (sha256 or size)")


def _write(out: Path, artifacts: dict[str, tuple[Path, dict[str, Any]]],
           manifest: dict[str, Any]) -> None:
    from .output import write_atomic, write_manifest

    out.mkdir(parents=True, exist_ok=True)
    for path, (folder, _entry) in sorted(artifacts.items()):
        source, target = folder / path, out / path
        if source.resolve() != target.resolve():
            write_atomic(target, source.read_bytes())
    write_manifest(out, manifest)
    if any(entry["format"] == "html" for _folder, entry in artifacts.values()):
        _write_site(out, {folder for folder, _entry in artifacts.values()})


def _write_site(out: Path, folders: set[Path]) -> None:
    """The web pages' shared assets/ (their images from the shards) and index.html."""
    from .build import STYLES, BuildOptions
    from .output import write_atomic
    from .site import write_site

    for folder in sorted(folders):
        for image in sorted((folder / "assets" / "images").glob("*")):
            target = out / "assets" / "images" / image.name
            if image.resolve() != target.resolve():
                write_atomic(target, image.read_bytes())
    write_site(out, STYLES, [], BuildOptions().bibliography_folder())
