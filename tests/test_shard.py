"""Shards: a stable, balanced split of the manuscripts, and joining the shards' outputs."""

from __future__ import annotations

import hashlib
import io
import json
import random
import shutil
from pathlib import Path

import pytest
from helpers import EPOCH, ROOT

from pipeline import cli
from pipeline.shard import SLACK, assign, merge_manifests, parse_shard, select


def costs(n: int, seed: int = 3) -> dict[str, int]:
    rng = random.Random(seed)
    return {f"manuscripts/handout-{i:03d}.md": rng.randint(4_000, 40_000) for i in range(n)}


def test_every_manuscript_in_exactly_one_shard_and_the_same_answer_every_time():
    c = costs(100)
    first = assign(c, 4)
    assert first == assign(dict(reversed(list(c.items()))), 4)
    assert set(first) == set(c) and set(first.values()) == {0, 1, 2, 3}


@pytest.mark.parametrize("count", [2, 3, 4, 8])
def test_loads_are_balanced_by_cost(count):
    c = costs(200)
    shards = assign(c, count)
    loads = [sum(v for k, v in c.items() if shards[k] == s) for s in range(count)]
    mean = sum(c.values()) / count
    assert max(loads) <= SLACK * mean + max(c.values())
    assert min(loads) >= mean * 0.5


def test_adding_a_manuscript_moves_few_others():
    c = costs(100)
    before = assign(c, 4)
    moved_total = 0
    for extra in range(10):
        grown = {**c, f"manuscripts/new-{extra}.md": 20_000}
        after = assign(grown, 4)
        moved_total += sum(1 for k in c if before[k] != after[k])
    # a plain "sort by size and deal round-robin" moves about three quarters
    assert moved_total / 10 <= 10


@pytest.mark.parametrize(("text", "expected"), [("1/1", (1, 1)), ("2/4", (2, 4)),
                                                (" 3 / 3 ", (3, 3))])
def test_shard_argument(text, expected):
    assert parse_shard(text) == expected


@pytest.mark.parametrize("text", ["0/2", "3/2", "2", "a/b", "1/0"])
def test_bad_shard_argument(text):
    with pytest.raises(ValueError):
        parse_shard(text)


@pytest.mark.parametrize(("text", "message"), [
    ("5/4", "--shard 5/4: there is no shard 5 of 4: shards are numbered 1 to 4"),
    ("0/4", "--shard 0/4: there is no shard 0 of 4: shards are numbered 1 to 4"),
    ("1/0", "--shard 1/0: the number of shards must be 1 or more"),
])
def test_bad_shard_argument_on_the_command_line(text, message):
    err = io.StringIO()
    assert cli.main(["build", "--shard", text], io.StringIO(), err) == 2
    assert err.getvalue() == f"error: {message}\n"


@pytest.mark.parametrize("argv", [["joined", "s1"], ["--out", "joined", "s1"],
                                  ["s1", "-o", "joined"]])
def test_merge_manifests_takes_its_out_folder_as_the_other_commands_spell_it(tmp_path,
                                                                              monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s1").mkdir()
    err = io.StringIO()
    assert cli.main(["merge-manifests", *argv], io.StringIO(), err) == 1
    assert err.getvalue() == ("s1/manifest.json: no manifest here (did this shard build?)\n"
                              "merge failed: 1 problem(s); nothing written\n")
    assert not (tmp_path / "joined").exists()


def test_merge_manifests_without_a_shard_folder_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    err = io.StringIO()
    assert cli.main(["merge-manifests", "joined"], io.StringIO(), err) == 2
    assert err.getvalue() == "error: merge-manifests: name the shards' output folders after OUT\n"


def test_select_records_the_slice(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    paths = []
    for i in range(6):
        path = tmp_path / f"m{i}.md"
        path.write_text("x" * (1000 * (i + 1)))
        paths.append(path)
    picked = [select(paths, i, 3) for i in (1, 2, 3)]
    assert sorted(p.name for mine, _ in picked for p in mine) == sorted(p.name for p in paths)
    record = picked[0][1]
    assert record["all_sources"] == [f"m{i}.md" for i in range(6)]
    assert record["index"] == 1 and record["count"] == 3
    assert record["sources"] == sorted(p.name for p in picked[0][0])


# ---------------------------------------------------------------- merging

def fake_shard(folder: Path, index: int, count: int, sources: list[str], everything: list[str],
               failed: tuple[str, ...] = (), extra: tuple[tuple[str, str], ...] = ()) -> None:
    folder.mkdir(parents=True)
    artifacts = []
    for source in sources:
        if source in failed:
            continue
        artifacts.append(artifact(folder, Path(source).stem + ".clinician.pdf", source))
    for name, source in extra:
        artifacts.append(artifact(folder, name, source))
    manifest = {"artifacts": artifacts,
                "errors": [{"source": s, "line": 3, "message": "bad"} for s in failed],
                "shard": {"index": index, "count": count, "sources": sources,
                          "all_sources": everything, "failed": list(failed)}}
    (folder / "manifest.json").write_text(json.dumps(manifest))


def artifact(folder: Path, name: str, source: str) -> dict:
    data = f"%PDF {name}".encode()
    (folder / name).write_bytes(data)
    return {"path": name, "format": "pdf", "manuscript": Path(source).stem, "source": source,
            "title": "t", "version": "1.0.0", "status": "draft", "audience": "clinician",
            "lang": "en-US", "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


EVERYTHING = ["m/a.md", "m/b.md", "m/c.md"]


def test_merge_joins_the_shards(tmp_path):
    fake_shard(tmp_path / "s1", 1, 2, ["m/a.md", "m/c.md"], EVERYTHING)
    fake_shard(tmp_path / "s2", 2, 2, ["m/b.md"], EVERYTHING, failed=("m/b.md",))
    result = merge_manifests(tmp_path / "out", [tmp_path / "s2", tmp_path / "s1"])
    assert result.problems == []
    merged = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert [a["path"] for a in merged["artifacts"]] == ["a.clinician.pdf", "c.clinician.pdf"]
    assert merged["errors"] == [{"source": "m/b.md", "line": 3, "message": "bad"}]
    assert "shard" not in merged
    assert (tmp_path / "out" / "a.clinician.pdf").read_bytes() == b"%PDF a.clinician.pdf"


def test_merge_names_a_missing_shard(tmp_path):
    fake_shard(tmp_path / "s1", 1, 3, ["m/a.md"], EVERYTHING)
    fake_shard(tmp_path / "s3", 3, 3, ["m/c.md"], EVERYTHING)
    result = merge_manifests(tmp_path / "out", [tmp_path / "s1", tmp_path / "s3"])
    assert result.problems == ["shard 2/3: missing (no folder given holds its manifest)"]
    assert not (tmp_path / "out").exists()


def test_merge_names_duplicates_and_strays(tmp_path):
    s1, s2 = tmp_path / "s1", tmp_path / "s2"
    fake_shard(s1, 1, 2, ["m/a.md", "m/c.md"], EVERYTHING)
    fake_shard(s2, 2, 2, ["m/b.md", "m/c.md"], EVERYTHING,
               extra=(("a.clinician.pdf", "m/a.md"),))
    problems = merge_manifests(tmp_path / "out", [s1, s2]).problems
    assert problems == [
        f"{s2 / 'manifest.json'}: m/c.md is also built by shard 1/2 ({s1})",
        f"{s2 / 'manifest.json'}: c.clinician.pdf is also listed by {s1 / 'manifest.json'}",
        f"{s2 / 'manifest.json'}: a.clinician.pdf comes from m/a.md, which is not in shard 2/2",
        f"{s2 / 'manifest.json'}: a.clinician.pdf is also listed by {s1 / 'manifest.json'}",
    ]


def test_merge_names_a_manuscript_without_files_or_failure(tmp_path):
    fake_shard(tmp_path / "s1", 1, 2, ["m/a.md", "m/c.md"], EVERYTHING)
    fake_shard(tmp_path / "s2", 2, 2, ["m/b.md"], EVERYTHING)
    manifest = tmp_path / "s2" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["artifacts"] = []
    manifest.write_text(json.dumps(data))
    assert merge_manifests(tmp_path / "out", [tmp_path / "s1", tmp_path / "s2"]).problems == [
        f"{manifest}: m/b.md (shard 2/2) has no files and no recorded failure"]


def test_merge_checks_files_and_foreign_manifests(tmp_path):
    fake_shard(tmp_path / "s1", 1, 2, ["m/a.md", "m/c.md"], EVERYTHING)
    fake_shard(tmp_path / "s2", 2, 2, ["m/b.md"], EVERYTHING)
    (tmp_path / "s1" / "c.clinician.pdf").write_bytes(b"tampered")
    (tmp_path / "s2" / "b.clinician.pdf").unlink()
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "manifest.json").write_text('{"artifacts": [], "errors": []}')
    problems = merge_manifests(tmp_path / "out", [tmp_path / "s1", tmp_path / "s2",
                                                  tmp_path / "plain", tmp_path / "nothing"]).problems
    assert problems == [
        (f"{tmp_path / 'plain' / 'manifest.json'}: not a shard's manifest (no 'shard' record; "
         "build it with --shard I/N)"),
        f"{tmp_path / 'nothing' / 'manifest.json'}: no manifest here (did this shard build?)",
        f"{tmp_path / 's1' / 'c.clinician.pdf'}: does not match its manifest entry (sha256 or size)",
        f"{tmp_path / 's2' / 'b.clinician.pdf'}: listed in the manifest but missing",
    ]


def test_sharded_builds_merge_into_the_unsharded_build(tmp_path, monkeypatch):
    """Three real shards of five manuscripts (EPUB and web page only, to stay quick)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("HANDOUT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "manuscripts"
    source.mkdir()
    shutil.copy(ROOT / "bibliography" / "regenerative-medicine.bib", source)
    template = (ROOT / "manuscripts" / "regen-pain.md").read_text()
    for i in range(5):
        (source / f"h{i}.md").write_text(template.replace("slug: regen-pain", f"slug: h{i}"))

    def run(*argv: str) -> str:
        out, err = io.StringIO(), io.StringIO()
        assert cli.main(list(argv), out, err) == 0, err.getvalue()
        return out.getvalue()

    for i in (1, 2, 3):
        run("build", "manuscripts", "--format", "epub", "--format", "html", "--out", f"s{i}",
            "--shard", f"{i}/3")
    run("build", "manuscripts", "--format", "epub", "--format", "html", "--out", "whole")
    said = run("merge-manifests", "merged", "s1", "s2", "s3")
    assert said == "merged 3 shard(s): 10 file(s), 0 build error(s) -> merged/manifest.json\n"
    assert (tmp_path / "merged" / "manifest.json").read_text() == \
        (tmp_path / "whole" / "manifest.json").read_text()
    names = [f"h{i}.clinician.{fmt}" for i in range(5) for fmt in ("epub", "html")]
    for name in names + ["index.html", "assets/css/web.css", "assets/fonts/OFL.txt"]:
        assert (tmp_path / "merged" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()
    err = io.StringIO()
    assert cli.main(["merge-manifests", "again", "s1", "s3"], io.StringIO(), err) == 1
    assert err.getvalue().splitlines()[-2:] == [
        "shard 2/3: missing (no folder given holds its manifest)",
        "merge failed: 1 problem(s); nothing written"]


@pytest.mark.parametrize(("damage", "message"), [
    (lambda m: m["shard"].update(count="two"), "shard 1/'two' is not I/N with 1 <= I <= N"),
    (lambda m: m["shard"].update(sources=5), "'sources' is not a list of manuscripts"),
    (lambda m: m["artifacts"][0].update(path="../../escape.pdf"),
     "artifact path '../../escape.pdf' is not a file inside the shard's folder"),
    (lambda m: m["artifacts"][0].pop("format"),
     "artifact 'a.clinician.pdf' lacks its source, format, sha256 or bytes"),
])
def test_merge_refuses_a_damaged_manifest_and_writes_nothing(tmp_path, damage, message):
    fake_shard(tmp_path / "s1", 1, 1, EVERYTHING, EVERYTHING)
    manifest = json.loads((tmp_path / "s1" / "manifest.json").read_text())
    damage(manifest)
    (tmp_path / "s1" / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / "escape.pdf").write_bytes(b"")
    result = merge_manifests(tmp_path / "a" / "out", [tmp_path / "s1"])
    assert result.problems == [
        (f"{tmp_path / 's1' / 'manifest.json'}: a damaged manifest: {message}; build the shard "
        "again")]
    assert not (tmp_path / "a").exists()
