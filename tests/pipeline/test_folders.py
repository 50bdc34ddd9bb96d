"""Issue 20, the input list at archive scale: the -r walk (folders.walk_files, in rglob's order without its set),
the packed InputList, outputs placed from the walked roots, and the cross-window guards without dicts of keys."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from engines.fake import TaggingEngine
from hypothesis import given
from hypothesis import strategies as st

from dragoman.pipeline import run as run_module
from dragoman.pipeline.folders import FolderWalk, _wanted, expand_inputs, walk_files
from dragoman.pipeline.inputlist import InputList
from dragoman.pipeline.run import TranslateJob, _cross_window_guards, _KeyFilter, possible_output_paths


def _tricky_tree(root: Path) -> None:
    """Names whose order trips a walk that sorts paths as strings ('a/x' vs 'a-b' vs 'a.txt'), case, unicode,
    hidden entries, links to files and folders, a broken link and an empty folder."""
    for folder in ("a", "a/b", "a-b", "A", "a.d", "ä", "z/deep/er/est", ".hidden/inner", "a/.git", "empty"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    for name in (
        "a.txt", "a-b.txt", "A.txt", "a/x.txt", "a/b/y.md", "a/b.txt", "a-b/z.txt", "A/q.txt", "a.d/k.txt",
        "ä/ü.txt", "ab.txt", "z/deep/er/est/w.txt", ".hidden/inner/h.txt", ".dot.txt", "a/.git/config.txt",
        "b.jpg", "README", "nested.md", "Z.md", "_u.txt", "~t.txt",
    ):  # fmt: skip
        (root / name).write_text("Hello.\n", encoding="utf-8")
    (root / "link-to-file.txt").symlink_to(root / "a.txt")
    (root / "link-to-folder").symlink_to(root / "a")
    (root / "broken.txt").symlink_to(root / "missing.txt")
    (root / "a" / "b" / "up.txt").symlink_to(root / "z" / "deep" / "er" / "est" / "w.txt")


def _today(paths: list[Path], include: tuple[str, ...], outdir: Path | None) -> tuple[list[Path], dict[str, Path]]:
    """The walk as it was before (sorted rglob, every path held): the reference the new walk must match."""
    files: list[Path] = []
    subdirs: dict[str, Path] = {}
    skip = outdir.resolve() if outdir is not None else None
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        for found in sorted(path.rglob("*")):
            relative = found.relative_to(path)
            if any(part.startswith(".") for part in relative.parts) or not found.is_file():
                continue
            if skip is not None and (found.resolve() == skip or skip in found.resolve().parents):
                continue
            # The one change: the output folder is not entered, so a link in it to a file outside is not taken.
            if skip is not None and (found.parent.resolve() == skip or skip in found.parent.resolve().parents):
                continue
            if _wanted(relative, include):
                files.append(found)
                subdirs[str(found)] = relative.parent
    return files, subdirs


def test_walk_is_sorted_rglob_order_with_its_link_rules(tmp_path: Path) -> None:
    _tricky_tree(tmp_path)
    expected = [
        p
        for p in sorted(tmp_path.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(tmp_path).parts)
    ]
    walked = [found for found, _ in walk_files(tmp_path)]
    assert walked == expected
    assert tmp_path / "link-to-file.txt" in walked and tmp_path / "a" / "b" / "up.txt" in walked
    assert not any("link-to-folder" in str(p) or "hidden" in str(p) or "broken" in str(p) for p in walked)
    assert [relative for _, relative in walk_files(tmp_path)] == [p.relative_to(tmp_path) for p in expected]


@pytest.mark.parametrize("include", [(), ("*.md",), ("a/*",), ("*.txt", "README")])
@pytest.mark.parametrize("outdir", [None, "a", "a/b", "z/deep", "..", "link-to-folder"])
def test_expand_inputs_keeps_todays_files_and_folders(tmp_path: Path, include: tuple[str, ...], outdir: str) -> None:
    """Same files, in the same order, and each under the same folder of -o as the rglob walk gave: -o inside the
    tree (pruned), -o above the root (nothing walked), -o through a link, --include patterns, a file given too."""
    tree = tmp_path / "tree"
    tree.mkdir()
    _tricky_tree(tree)
    out = tree / outdir if outdir is not None else None
    given = [tree, tree / "a.txt", tree / "a"]
    files, subdirs = _today(given, include, out)
    walked = expand_inputs([str(p) for p in given], True, include, out)
    assert isinstance(walked.files, InputList)
    assert list(walked.files) == files
    assert walked.walk is not None and walked.walk.roots == [tree, tree / "a"]
    for path in files:
        assert walked.walk.folder_of(path) == subdirs.get(str(path))
    for path in (tree / "link-to-folder" / "x.txt", tree / ".hidden" / "inner" / "h.txt", tree / "b.jpg"):
        assert walked.walk.folder_of(path) is None  # given by name, never walked: its output goes in -o


def test_expand_inputs_without_recursive_keeps_folders_and_relative_names(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    Path("news/world").mkdir(parents=True)
    Path("news/world/a.txt").write_text("Hello.\n", encoding="utf-8")
    assert list(expand_inputs(["news"], False).files) == [Path("news")]
    walked = expand_inputs(["./news", "."], True)
    assert list(walked.files) == [Path("news/world/a.txt")] * 2 and walked.walk is not None
    assert walked.walk.folder_of(Path("news/world/a.txt")) == Path("news/world")  # the last root that walked it
    assert FolderWalk(walked.walk.roots[:1]).folder_of(Path("news/world/a.txt")) == Path("world")
    assert walked.walk.folder_of(Path("/elsewhere/a.txt")) is None


def test_input_list_is_a_sequence_of_paths_in_one_buffer() -> None:
    names = ["a.txt", "./b/c.md", "/abs/ü é.txt", os.fsdecode(b"bad\xff.txt"), ""]
    packed = InputList(names)
    assert len(packed) == 5 and packed[1] == Path("b/c.md") and packed.name(1) == "./b/c.md"
    assert list(packed) == [Path(n) for n in names] and packed[-2] == Path(os.fsdecode(b"bad\xff.txt"))
    assert packed == [Path(n) for n in names] and packed != [Path("a.txt")]
    part = packed[1:3]
    assert isinstance(part, InputList) and list(part) == [Path("b/c.md"), Path("/abs/ü é.txt")]
    assert part == InputList(names[1:3]) and list(packed[::2]) == [Path(n) for n in names[::2]]
    assert len(packed[3:1]) == 0 and list(packed[3:][0:1]) == [packed[3]]
    assert InputList.of(packed) is packed and Path("a.txt") in packed
    with pytest.raises(IndexError):
        packed[5]
    assert "5 paths" in repr(packed)


@given(st.lists(st.integers(min_value=-(2**63), max_value=2**63 - 1), max_size=300))
def test_key_filter_never_misses_a_key(keys: list[int]) -> None:
    added = _KeyFilter(keys)
    assert all(key in added for key in keys)
    grown = _KeyFilter(())
    seen: set[int] = set()
    for key in keys:
        new = grown.add(key)
        assert key in grown and (not new if key in seen else True)  # a repeat is never reported new
        seen.add(key)


def _reference_guards(job: TranslateJob, window: int, subdirs: dict[str, Path]) -> dict[int, tuple[list, list]]:  # type: ignore[type-arg]
    """_cross_window_guards as it was, with dicts of every key: the new one must give the same guards."""

    def keys(path: Path) -> list[int]:
        real = os.path.realpath(path)
        try:
            stat = os.stat(real)
        except OSError:
            return [hash(real)]
        return [hash(real), hash((stat.st_dev, stat.st_ino))]

    inputs: dict[int, int] = {}
    for index, path in enumerate(job.inputs):
        for key in keys(Path(path)):
            inputs[key] = index
    outputs: dict[int, int] = {}
    guards: dict[int, tuple[list, list]] = {}  # type: ignore[type-arg]

    def outdir_of(name: str) -> Path | None:
        return job.outdir / subdirs[name] if job.outdir and name in subdirs else job.outdir

    def output(number: int) -> tuple[Path, str]:
        index, target = divmod(number, len(job.targets))
        name = str(job.inputs[index])
        path = possible_output_paths([Path(name)], job.source, [job.targets[target]], outdir_of(name))[0]
        return path, f"the {job.targets[target]} translation of {name}"

    for index, path in enumerate(job.inputs):
        step = index // window
        for number, target in enumerate(job.targets):
            names = possible_output_paths([Path(path)], job.source, [target], outdir_of(str(path)))
            for out in names:
                found = keys(out)
                for key in found:
                    hit = inputs.get(key)
                    if hit is not None and hit // window != step:
                        guards.setdefault(step, ([], []))[0].append(Path(job.inputs[hit]))
                if len(names) != 1:
                    continue
                earlier = outputs.setdefault(found[0], index * len(job.targets) + number)
                if earlier // len(job.targets) // window != step:
                    guards.setdefault(step, ([], []))[1].append(output(earlier))
    return guards


@pytest.mark.parametrize("source", ["en", "auto"])
@pytest.mark.parametrize("window", [1, 2, 3, 100])
@pytest.mark.parametrize("walked", [False, True])
def test_cross_window_guards_are_todays(tmp_path: Path, source: str, window: int, walked: bool) -> None:
    """Inputs that are other inputs' outputs, outputs shared by several inputs (x.txt and x.en.txt), an input
    given twice, a hard link: the guards are those the dicts of every key gave."""
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    for name in ("x.en.txt", "x.ms.txt", "y.txt", "y.en.txt", "sub/x.txt", "sub/x.en.txt", "z.en.md", "z.fa.md"):
        (tree / name).write_text("Hello.\n", encoding="utf-8")
    os.link(tree / "y.txt", tree / "sub" / "y.ms.txt")
    paths = [tree / n for n in ("x.en.txt", "x.ms.txt", "y.txt", "y.en.txt", "sub/x.txt", "sub/x.en.txt")]
    paths += [tree / "z.en.md", tree / "x.en.txt", tree / "sub" / "y.ms.txt", tree / "z.fa.md"]
    outdir = tree if walked else None
    job = TranslateJob(inputs=InputList(paths), source=source, targets=["ms", "fa"], outdir=outdir)
    subdirs: dict[str, Path] = {}
    if walked:
        job.walk = FolderWalk([tree])
        subdirs = {str(p): p.relative_to(tree).parent for p in paths}
    got = _cross_window_guards(job, window)
    assert got == _reference_guards(job, window, subdirs)
    if window == 1:
        assert got  # the case really has files of other windows to guard


def test_cli_walk_places_outputs_as_before_in_windows(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """-r over nested folders with -o inside the tree, a run in windows of 2 files: the outputs mirror the tree,
    nothing is written under -o's own translations, and a second run finds them unchanged."""
    from click.testing import CliRunner

    from dragoman import engines
    from dragoman.cli import cli

    tree = tmp_path / "desk"
    for name in ("a.en.txt", "world/b.en.md", "world/asia/c.en.txt", "world/asia/d.txt", "z.en.txt"):
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_text("Hello there.\n", encoding="utf-8")
    engine = TaggingEngine([("en", "ms")])
    monkeypatch.setattr(engines, "create_engine", lambda name, **options: engine)
    monkeypatch.setattr(run_module, "ARCHIVE_WINDOW", 2)
    out = tree / "out"
    args = ["translate", str(tree), "-r", "--from", "en", "--to", "ms", "-o", str(out), "--no-memory"]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == ["a.ms.txt", "world/asia/c.ms.txt", "world/asia/d.ms.txt", "world/b.ms.md", "z.ms.txt"]
    assert (out / "world" / "asia" / "c.ms.txt").read_text(encoding="utf-8") == "ms:Hello there.\n"
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert again.output.count("unchanged ") == 5 and "wrote" not in again.output

    # A large plain-text input (translated piece by piece) keeps its folder too.
    from dragoman.pipeline import chunked

    monkeypatch.setattr(chunked, "LARGE_TEXT_CHARS", 100)
    monkeypatch.setattr(chunked, "PIECE_CHARS", 60)
    (tree / "world" / "asia" / "c.en.txt").write_text("Hello there.\n\n" * 20, encoding="utf-8")
    large = CliRunner().invoke(cli, args)
    assert large.exit_code == 0, large.output
    assert (out / "world" / "asia" / "c.ms.txt").read_text(encoding="utf-8") == "ms:Hello there.\n\n" * 20
    assert not (out / "c.ms.txt").exists()


def test_files_from_reads_a_list_as_tar_and_rsync_do(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """--files-from LIST: one path a line (CRLF, blank lines, spaces kept), '-' for stdin, a folder walked with -r,
    added to the FILE arguments; the same outputs as the paths on the command line."""
    from click.testing import CliRunner

    from dragoman import engines
    from dragoman.cli import cli

    monkeypatch.chdir(tmp_path)
    for name in ("a.en.txt", "two words.en.txt", "desk/world/b.en.md", "c.en.txt"):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text("Hello there.\n", encoding="utf-8")
    Path("list.txt").write_bytes(b"two words.en.txt\r\n\n./a.en.txt\ndesk")
    engine = TaggingEngine([("en", "ms")])
    monkeypatch.setattr(engines, "create_engine", lambda name, **options: engine)
    base = ["translate", "--from", "en", "--to", "ms", "--no-memory", "-r", "-q"]
    listed = CliRunner().invoke(cli, [*base, "c.en.txt", "--files-from", "list.txt", "-o", "out"])
    assert listed.exit_code == 0, listed.output
    written = sorted(p.relative_to("out").as_posix() for p in Path("out").rglob("*") if p.is_file())
    assert written == ["a.ms.txt", "c.ms.txt", "two words.ms.txt", "world/b.ms.md"]
    piped = CliRunner().invoke(cli, [*base, "--files-from", "-", "-o", "piped", "--json"], input="c.en.txt\ndesk\n")
    assert piped.exit_code == 0, piped.output
    assert sorted(p.relative_to("piped").as_posix() for p in Path("piped").rglob("*") if p.is_file()) == [
        "c.ms.txt",
        "world/b.ms.md",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "list.txt: list of inputs not found — check the path given to --files-from"),
        (b"a.en.txt\nb\0.txt\n", "list.txt:2: a NUL byte in a path"),
        (b"\n \n", "list.txt: the list of inputs names no file"),
    ],
)
def test_a_bad_files_from_list_is_one_line_naming_it(
    tmp_path: Path, monkeypatch, content: bytes | None, message: str
) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from dragoman.cli import cli

    monkeypatch.chdir(tmp_path)
    Path("a.en.txt").write_text("Hello.\n", encoding="utf-8")
    if content is not None:
        Path("list.txt").write_bytes(content)
    result = CliRunner().invoke(cli, ["translate", "--to", "ms", "--files-from", "list.txt"])
    assert result.exit_code == 1 and result.output.count("\n") == 1, result.output
    assert result.output.startswith(f"Error: {message}") and "Traceback" not in result.output
    assert not list(tmp_path.glob("a.ms.*"))
