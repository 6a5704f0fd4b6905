"""The invoke tasks: one spelling per option, every option in the help, releases kept."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, interruptible

INVOKE = Path(sys.executable).with_name("invoke")


def invoke(folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "HANDOUT_CACHE_DIR"}
    return subprocess.run([str(INVOKE), "--search-root", str(folder), *args], cwd=folder,
                          capture_output=True, text=True, check=False, env=env)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder with the project's tasks.py, so ``clean`` removes nothing of the checkout."""
    shutil.copy(ROOT / "tasks.py", tmp_path / "tasks.py")
    return tmp_path


def test_clean_keeps_the_published_releases(project):
    release = project / "dist" / "release" / "2025-10-09-0123456789ab"
    (release / "clinics").mkdir(parents=True)
    (release / "manifest.json").write_text("{}")
    (release / "clinics" / "north.zip").write_bytes(b"zip")
    (project / "dist" / "regen-pain.patient.pdf").write_bytes(b"%PDF")
    (project / "dist" / "manifest.json").write_text("{}")
    (project / ".cache" / "handouts").mkdir(parents=True)
    proc = invoke(project, "clean")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "removed dist/manifest.json",
        "removed dist/regen-pain.patient.pdf",
        "removed .cache/",
        "kept dist/release/ (published releases are never removed)",
    ]
    assert sorted(p.relative_to(project).as_posix() for p in project.rglob("*")
                  if p.is_file() and p.name != "tasks.py") == [
        "dist/release/2025-10-09-0123456789ab/clinics/north.zip",
        "dist/release/2025-10-09-0123456789ab/manifest.json",
    ]


def test_clean_keeps_releases_even_when_the_cache_is_set_to_hold_them(project):
    (project / "dist" / "release" / "r1").mkdir(parents=True)
    (project / "dist" / "release" / "r1" / "SHA256SUMS").write_text("")
    env = {**os.environ, "HANDOUT_CACHE_DIR": str(project / "dist")}
    proc = subprocess.run([str(INVOKE), "--search-root", str(project), "clean"], cwd=project,
                          capture_output=True, text=True, check=False, env=env)
    assert proc.returncode == 0, proc.stderr
    # only the cache's own files leave a folder HANDOUT_CACHE_DIR names; the release stays
    assert proc.stdout.splitlines() == [
        "removed 0 render cache file(s) from dist/; kept 1 other item(s)",
        "kept dist/release/ (published releases are never removed)"]
    assert (project / "dist" / "release" / "r1" / "SHA256SUMS").is_file()


def options_of(help_text: str) -> dict[str, str | None]:
    """{long flag: short flag or None} from ``invoke --help TASK``."""
    found: dict[str, str | None] = {}
    for line in help_text.split("Options:", 1)[1].splitlines():
        m = re.match(r"\s+(?:(-\w)(?: \w+)?, )?(--[\w-]+)", line)
        if m:
            found[m.group(2)] = m.group(1)
        elif re.match(r"\s+(-\w)\b", line):
            short = re.match(r"\s+(-\w)\b", line).group(1)
            found[short] = short
    return found


def task_parameters() -> dict[str, list[str]]:
    """Each task of tasks.py and its parameters, as the functions declare them."""
    import importlib.util
    import inspect

    spec = importlib.util.spec_from_file_location("handout_tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    from invoke import Task

    return {name.replace("_", "-"): list(inspect.signature(obj.body).parameters)[1:]
            for name, obj in vars(module).items() if isinstance(obj, Task)}


def test_every_option_of_every_task_is_in_its_help(project):
    for name, parameters in task_parameters().items():
        proc = invoke(project, "--help", name)
        assert proc.returncode == 0, proc.stderr
        shown = options_of(proc.stdout) if parameters else {}
        for parameter in parameters:
            flag = "--" + parameter.replace("_", "-")
            assert flag in shown, f"invoke --help {name}: {flag} is missing"
            if len(parameter) == 1:  # both spellings of a one-letter option
                assert shown[flag] == "-" + parameter, f"invoke --help {name}: -{parameter}"


def test_the_same_thing_has_the_same_flag_in_every_task(project):
    spelled: dict[str, set[str | None]] = {}
    for name, parameters in task_parameters().items():
        if not parameters:
            continue
        shown = options_of(invoke(project, "--help", name).stdout)
        for long_flag, short in shown.items():
            spelled.setdefault(long_flag, set()).add(short)
    assert spelled["--paths"] == {"-p"}
    assert spelled["--out"] == {"-o"}
    assert spelled["--jobs"] == {"-j"}
    assert spelled["--strict"] == {"-s"}
    clashes = {flag: shorts for flag, shorts in spelled.items() if len(shorts) > 1}
    assert clashes == {}
    owners: dict[str, str] = {}
    for long_flag, shorts in spelled.items():
        for short in shorts - {None}:
            assert owners.setdefault(short, long_flag) == long_flag, (short, long_flag)


def test_the_command_line_spells_each_option_as_the_tasks_do():
    from pipeline.cli import _parser

    short_of = {"--paths": "-p", "--out": "-o", "--jobs": "-j", "--strict": "-s",
                "--format": "-f", "--distribution": "-d", "--quiet": "-q"}
    commands = _parser().get_default("commands")
    found = {(name, action.option_strings[0]): sorted(action.option_strings)
             for name, command in commands.items() for action in command._actions
             if action.option_strings and action.option_strings[0] in short_of}
    assert found and all(flags == sorted([long_flag, short_of[long_flag]])
                         for (_, long_flag), flags in found.items()), found
    assert {name for name, _ in found} >= {"build", "check", "release", "status"}


@pytest.mark.parametrize(("args", "expected"), [
    (["build", "-p", "a b.md,c.md"], "-m pipeline build 'a b.md' c.md --paper a4"),
    (["build", "--paths", "x.md", "-j", "2", "-s"],
     "-m pipeline build x.md --paper a4 --jobs 2 --strict"),
    (["check", "-p", "x.md"], "-m pipeline check x.md"),
    (["check", "-q", "-s"], "-m pipeline check --strict --quiet"),
    (["build", "--quiet"], "-m pipeline build --paper a4 --quiet"),
    (["status", "-o", "build", "--json"], "-m pipeline status --out build --json"),
    (["build", "-f", "pdf,epub", "--cache-max", "500M"],
     "-m pipeline build --paper a4 --format pdf,epub --cache-max 500M"),
    (["release", "-p", "x.md", "--no-cache"],
     "-m pipeline release x.md --no-cache"),  # no distribution.yaml here
    (["bench", "-n", "10"], "bench.py --n 10"),
    (["bench", "--n", "10"], "bench.py --n 10"),  # as the benchmark script spells it
    (["bench", "--n", "1000", "-f", "epub", "--skip", "alternative,dask", "--floor-edited-only"],
     "bench.py --n 1000 --skip alternative --skip dask --format epub --floor-edited-only"),
    (["bench", "--format", "pdf,epub", "--skip", "sequential"],
     "bench.py --n 100 --skip sequential --format pdf --format epub"),
    (["bench", "-n", "3", "--repeat", "5"], "bench.py --n 3 --repeat 5"),
    (["build", "--scheduler", "tcp://h:1; echo x", "--shard", "1/2 "],
     "--scheduler 'tcp://h:1; echo x' --shard '1/2 '"),  # given to the command, not the shell
    (["test", "-k", "o'neil or $(date)"], "-m pytest -q -k 'o'\"'\"'neil or $(date)'"),
])
def test_tasks_pass_their_flags_on(project, args, expected):
    proc = invoke(project, "--dry", *args)
    assert proc.returncode == 0, proc.stderr
    assert expected in re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout)


def test_a_checkout_in_a_folder_with_a_space_runs_its_scripts(tmp_path):
    project = tmp_path / "my handouts"
    project.mkdir()
    shutil.copy(ROOT / "tasks.py", project / "tasks.py")
    proc = invoke(project, "--dry", "bench-math")
    assert proc.returncode == 0, proc.stderr
    assert f"'{project}/benchmarks/bench_math.py' --rounds 5" in proc.stdout

@pytest.mark.parametrize(("task", "command"), [
    (["test"], "-m pytest -q"), (["lint"], "-m ruff check pipeline tests"),
    (["csl-suite"], "tests/csl_suite.py"), (["update-golden"], "tests/test_visual.py"),
])
def test_the_checkouts_own_tasks_run_from_it_when_started_in_a_folder_below(project, task,
                                                                              command):
    (project / "manuscripts").mkdir()
    proc = subprocess.run([str(INVOKE), "--dry", *task], cwd=project / "manuscripts",
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout).startswith(f"cd {project} && ")
    assert command in proc.stdout


@pytest.mark.parametrize("args", [["--n", "0"], ["--n", "-3"], ["--repeat", "0"]])
def test_a_benchmark_of_nothing_is_a_usage_error(args):
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench.py"), *args],
                          capture_output=True, text=True, check=False, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1] == (
        "bench.py: error: --n, --jobs, --big-sections and --repeat must be at least 1")


def test_clean_cache_empties_only_the_render_cache(project):
    (project / "dist").mkdir()
    (project / "dist" / "manifest.json").write_text("{}")
    (project / ".cache" / "handouts" / "ab").mkdir(parents=True)
    (project / ".cache" / "handouts" / "ab" / "abcd").write_bytes(b"entry")
    proc = invoke(project, "clean", "--cache")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["removed .cache/"]
    assert (project / "dist" / "manifest.json").is_file()
    assert not (project / ".cache").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["build", "-j", "abc"], "--jobs: expected a whole number, found 'abc'\n"),
    (["status", "--due-within", "soon"], "--due-within: expected a whole number, found 'soon'\n"),
    (["check", "-p", "nowhere.md"], "error: nowhere.md: no such file or folder\n"),
    (["status", "--due-within=-3"], "error: --due-within must be 0 or more days\n"),
    (["build", "--time-limit", "soon"],
     "error: --time-limit: expected a number of seconds (0 for no limit), found 'soon'\n"),
    (["release", "--time-limit", "-1"],
     "error: --time-limit: expected a number of seconds (0 for no limit), found '-1'\n"),
    (["preview", "--time-limit", "x"],
     "error: --time-limit: expected a number of seconds (0 for no limit), found 'x'\n"),
])
def test_a_tasks_usage_error_is_said_once_with_exit_status_2(project, args, message):
    proc = invoke(project, *args)
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", message)


def test_release_takes_distribution_yaml_when_there_is_one(project):
    (project / "distribution.yaml").write_text("clinics: {}\n", encoding="utf-8")
    proc = invoke(project, "--dry", "release")
    assert proc.returncode == 0, proc.stderr
    assert "-m pipeline release --distribution distribution.yaml" in re.sub(
        r"\x1b\[[0-9;]*m", "", proc.stdout)


def test_tasks_started_below_the_project_leave_its_output_and_distribution_to_it(project):
    (project / "manuscripts").mkdir()
    (project / "distribution.yaml").write_text("clinics: {}\n", encoding="utf-8")
    below = project / "manuscripts"
    commands = {task: re.sub(r"\x1b\[[0-9;]*m", "", subprocess.run(
        [str(INVOKE), "--dry", task], cwd=below, capture_output=True, text=True,
        check=True).stdout) for task in ("build", "release", "status")}
    assert not any("--out" in line for line in commands.values()), commands
    assert f"release --distribution {project / 'distribution.yaml'}" in commands["release"]


def test_ctrl_c_ends_a_task_with_its_commands_status_when_stdin_is_closed(project):
    (project / "manuscripts").mkdir()
    proc = subprocess.Popen([str(INVOKE), "--search-root", str(project), "preview", "--port",
                             "0"], cwd=project, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=interruptible)  # noqa: PLW1509 - it only resets SIGINT
    try:
        assert proc.stdout.readline().startswith("serving http://127.0.0.1:")
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C reaches the whole group
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert (proc.returncode, out, err) == (130, "", "interrupted\n")


def test_bootstrap_says_its_commands_and_help_is_not_an_error():
    def bootstrap(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(ROOT / "bootstrap.py"), *args],
                              capture_output=True, text=True, check=False, timeout=60)

    done = bootstrap("--help")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("Set up the project and run it: "
                                  "``python3 bootstrap.py setup|build|test [ARGS...]``.")
    done = bootstrap("biuld")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines()[:2] == [
        "usage: python3 bootstrap.py setup|build|test [ARGS...]",
        ("unknown command 'biuld'; setup sets up .venv/, build builds every handout into dist/, "
         "test runs the tests (--help says more)")]
