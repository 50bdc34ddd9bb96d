"""One flag, one meaning: every command follows docs/cli.md (walked from `dragoman` down to each leaf)."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from dragoman.cli import cli

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
# The core vocabulary: these long options always carry this short flag, and the flag means nothing else.
CORE = {"--from": "-f", "--to": "-t", "--glossary": "-g", "--quiet": "-q", "--yes": "-y"}
# -o is where the result goes: --output, except translate's documented --outdir (a folder).
OUTPUT_EXCEPTIONS = {("translate", "--outdir")}


def walk(command: click.Command, path: tuple[str, ...] = ()) -> list[tuple[str, click.Command]]:
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        found = []
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None, name
            found.extend(walk(sub, (*path, name)))
        return found
    return [(" ".join(path), command)]


COMMANDS = walk(cli)


def options(command: click.Command) -> list[click.Option]:
    return [p for p in command.params if isinstance(p, click.Option)]


def documented_flags() -> dict[str, set[str]]:
    """short flag -> the long names docs/cli.md's table gives it."""
    table: dict[str, set[str]] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and re.fullmatch(r"`-[a-z]`", cells[0]):
            table[cells[0].strip("`")] = set(re.findall(r"--[a-z-]+", cells[1] + " " + cells[2]))
    return table


def test_the_walk_finds_every_command() -> None:
    names = {name for name, _ in COMMANDS}
    assert {"translate", "check", "glossary add", "glossary lint", "models install", "cache clear"} <= names


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_command_follows_the_vocabulary(name: str, command: click.Command) -> None:
    documented = documented_flags()
    for option in options(command):
        longs = [o for o in option.opts + option.secondary_opts if o.startswith("--")]
        shorts = [o for o in option.opts + option.secondary_opts if re.fullmatch(r"-[A-Za-z]", o)]
        for long_name, short in CORE.items():
            if long_name in longs:
                assert short in shorts, f"{name}: {long_name} needs {short} (docs/cli.md)"
        for short in shorts:
            assert short in documented, f"{name}: {short} is not in docs/cli.md's table"
            if short == "-o" and (name, longs[0]) in OUTPUT_EXCEPTIONS:
                continue
            assert set(longs) & documented[short], (
                f"{name}: {short} means {longs}, docs/cli.md says {documented[short]}"
            )
        if "--json" in longs or "--force" in longs or "--yes" in longs:
            assert option.is_flag, f"{name}: {longs[0]} is a flag"


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_command_has_help(name: str, command: click.Command) -> None:
    result = CliRunner().invoke(cli, [*name.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output


def test_a_short_flag_has_one_meaning_across_commands() -> None:
    meanings: dict[str, set[str]] = {}
    for name, command in COMMANDS:
        for option in options(command):
            names = option.opts + option.secondary_opts
            longs = [o for o in names if o.startswith("--")]
            for short in (o for o in names if re.fullmatch(r"-[A-Za-z]", o)):
                if short == "-o" and (name, longs[0]) in OUTPUT_EXCEPTIONS:
                    continue
                meanings.setdefault(short, set()).add(longs[0])
    ambiguous = {short: longs for short, longs in meanings.items() if len(longs) > 1}
    assert ambiguous == {}


def test_glossary_add_spells_term_out() -> None:
    """-t is --to everywhere; `glossary add -t` would be read as a language."""
    (add,) = [c for n, c in COMMANDS if n == "glossary add"]
    term = next(o for o in options(add) if "--term" in o.opts)
    assert term.opts == ["--term"]


def test_check_defaults_from_to_english_as_translate_does() -> None:
    by_name = dict(COMMANDS)
    defaults = [next(o.default for o in options(by_name[n]) if "--from" in o.opts) for n in ("translate", "check")]
    assert defaults == ["en", "en"]


def test_shared_options_are_defined_once() -> None:
    """translate and serve take their engine, memory and draft options from dragoman/commands/options.py: one
    type, default and help text each; every -g is the same option but for what the command does with it."""
    by_name = dict(COMMANDS)
    shared = ("--engine", "--engine-option", "--beam", "--threads", "--no-memory", "--use-drafts")

    def described(name: str, long_name: str) -> dict[str, object]:
        """Everything click knows of the option: names, type, default, help, ..."""
        return next(o for o in options(by_name[name]) if long_name in o.opts).to_info_dict()

    for long_name in shared:
        assert described("translate", long_name) == described("serve", long_name), long_name
    glossary_helps = {
        name: next(o.help for o in options(command) if "--glossary" in o.opts)
        for name, command in COMMANDS
        if any("--glossary" in o.opts for o in options(command))
    }
    assert {"translate", "serve", "xliff extract", "check", "evaluate"} <= set(glossary_helps)
    for name, text in glossary_helps.items():
        assert text and text.startswith("Glossary file (YAML, CSV, TSV, TBX); repeat to layer (later wins)"), name
        assert text.endswith(" Env: DRAGOMAN_GLOSSARY."), name


def test_quiet_strict_still_says_why_it_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fake_engine import FakeEngine, Fault

    from dragoman import engines

    # The fake model of test_translate_glossary_cli's `faulty`: every strategy fails, "rejim" is forbidden.
    faults = [
        Fault("paraphrase", "government", to="pentadbiran", alone=False),
        Fault("drop", "#1"),
        Fault("forbidden", "today", to="rejim"),
    ]
    monkeypatch.setattr(engines, "create_engine", lambda name, **options: FakeEngine(faults=faults, attention=False))
    desk = tmp_path / "g.yaml"
    desk.write_text(
        "version: 1\nlanguages: [en, zz]\nentries:\n  - id: gov\n    terms:\n      en: government\n"
        "      zz: {term: pemerintah, forbidden: [rejim]}\n",
        encoding="utf-8",
    )
    text = "The new government met.\nAnwar visited the country today.\n"
    args = ["translate", "-t", "zz", "-g", str(desk), "--strict", "--no-memory"]
    result = CliRunner().invoke(cli, [*args, "-q"], input=text)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["error: --strict: 1 glossary violation(s), 1 forbidden term(s) left"]
    loose = CliRunner().invoke(cli, [*args[:-2], "--no-memory", "-q"], input=text)
    assert loose.exit_code == 0 and loose.stderr == ""  # without --strict, -q stays quiet


def test_an_unchanged_output_is_not_reported_as_written(tmp_path: Path) -> None:
    from helpers.toy import TOY_PACKAGE, toy_cases

    from dragoman import packages

    packages.install_file(TOY_PACKAGE)
    src = tmp_path / "a.txt"
    src.write_text(toy_cases()[0][0] + "\n", encoding="utf-8")
    first = CliRunner().invoke(cli, ["translate", str(src), "-t", "zz"])
    assert first.exit_code == 0, first.output
    assert first.stderr.splitlines()[0] == f"wrote {tmp_path / 'a.zz.txt'} (en->zz, 1 segment)"
    again = CliRunner().invoke(cli, ["translate", str(src), "-t", "zz"])
    assert again.stderr.splitlines()[0] == f"unchanged {tmp_path / 'a.zz.txt'} (en->zz, 1 segment)"


def test_models_install_force_does_not_also_ask(tmp_path: Path) -> None:
    from helpers.toy import TOY_PACKAGE

    runner = CliRunner()
    assert runner.invoke(cli, ["models", "install", str(TOY_PACKAGE)]).exit_code == 0
    asked = runner.invoke(cli, ["models", "install", str(TOY_PACKAGE)], input="n\n")
    forced = runner.invoke(cli, ["models", "install", str(TOY_PACKAGE), "--force"], input="")
    assert asked.exit_code == 1 and "needs a yes" in asked.output
    assert forced.exit_code == 0, forced.output
    assert "?" not in forced.output  # no question was put


@pytest.mark.parametrize(
    ("args", "noun"),
    [
        (["translate", "{missing}.txt", "-t", "zz"], "file"),
        (["translate", "-t", "zz", "-g", "{missing}.yaml"], "glossary file"),
        (["check", "{missing}.txt", "{missing}.fa.txt", "-t", "fa", "-g", "{missing}.yaml"], "file"),
        (["check", "{here}", "{here}", "-t", "fa", "-g", "{missing}.csv"], "glossary file"),
        (["glossary", "suggest", "{here}", "-g", "{missing}.yaml"], "glossary file"),
        (["glossary", "list", "{missing}.yaml"], "glossary file"),
        (["glossary", "lint", "{missing}.yaml"], "glossary file"),
        (["glossary", "merge", "{missing}.yaml", "-o", "{out}"], "glossary file"),
        (["glossary", "import", "{missing}.csv", "-o", "{out}"], "file"),
        (["models", "install", "{missing}.argosmodel"], "model file"),
        (["glossary", "export", "{missing}.yaml", "-o", "{out}.csv"], "glossary file"),
        (["glossary", "show", "{missing}.yaml", "x"], "glossary file"),
        (["glossary", "stats", "{missing}.yaml"], "glossary file"),
        (["glossary", "diff", "{missing}.yaml", "{missing}2.yaml"], "glossary file"),
        (["evaluate", "{missing}.txt", "--ref", "{here}", "-t", "fa"], "file"),
        (
            ["evaluate", "{here}", "--ref", "{here}", "--src", "{here}", "-t", "fa", "-g", "{missing}.yaml"],
            "glossary file",
        ),
        (["xliff", "extract", "{missing}.txt", "-t", "fa", "-o", "{out}.xlf"], "file"),
        (["xliff", "extract", "{here}", "-t", "fa", "-g", "{missing}.yaml", "-o", "{out}.xlf"], "glossary file"),
        (["xliff", "merge", "{missing}.xlf"], "file"),
        (["serve", "-g", "{missing}.yaml", "--port", "1"], "glossary file"),
    ],
)
def test_a_missing_file_is_one_message_and_exit_1_everywhere(args: list[str], noun: str, tmp_path: Path) -> None:
    missing, here = tmp_path / "nope", tmp_path / "a.txt"
    here.write_text("Hello.\n", encoding="utf-8")
    argv = [a.format(missing=missing, here=here, out=tmp_path / "out.yaml") for a in args]
    result = CliRunner().invoke(cli, argv, input="Hello.\n")
    assert result.exit_code == 1, result.output
    assert f"{missing}" in result.output and f"{noun} not found — " in result.output
    assert "Traceback" not in result.output


# Folders are checked by click: a missing one is a usage error naming the option.
FOLDER_OPTIONS = {("serve", "glossary_dir")}


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_no_command_lets_click_refuse_a_missing_file(name: str, command: click.Command) -> None:
    """click's own "does not exist" is exit 2 with another wording: every file is opened by the core instead,
    which says "<path>: file not found — check the path" (exit 1), as the Python API does."""
    for param in command.params:
        if isinstance(param.type, click.Path) and (name, param.name) not in FOLDER_OPTIONS:
            assert not param.type.exists, f"{name}: {param.name} is checked by click"


def test_the_api_gives_the_cli_message_for_a_str_or_a_path(tmp_path: Path) -> None:
    from fake_engine import FakeEngine

    from dragoman import api
    from dragoman.errors import GlossaryError

    missing = tmp_path / "nope.yaml"
    cli_run = CliRunner().invoke(cli, ["glossary", "stats", str(missing)])
    assert cli_run.exit_code == 1
    for given in (str(missing), missing, [missing]):
        with pytest.raises(GlossaryError) as caught:
            api.load_glossaries(given)
        assert cli_run.output == f"Error: {caught.value}\n"
        with pytest.raises(GlossaryError) as caught:
            api.translate("Hello.", source="en", target="zz", glossary=given, engine=FakeEngine())
        assert cli_run.output == f"Error: {caught.value}\n"


@pytest.mark.parametrize(
    "args",
    [
        ["glossary", "export", "{desk}", "-o", "{out}.csv", "--from", "en", "--to", "zz"],
        ["glossary", "merge", "{desk}", "-o", "{out}.yaml"],
        ["xliff", "extract", "{here}", "-t", "zz", "-o", "{out}.xlf"],
    ],
)
def test_a_second_identical_write_says_unchanged(args: list[str], tmp_path: Path) -> None:
    desk, here = tmp_path / "desk.yaml", tmp_path / "a.txt"
    desk.write_text(
        "version: 1\nlanguages: [en, zz]\nentries:\n  - id: gov\n    terms: {en: government, zz: kerajaan}\n",
        encoding="utf-8",
    )
    here.write_text("The government met.\n", encoding="utf-8")
    argv = [a.format(desk=desk, here=here, out=tmp_path / "out") for a in args]
    first = CliRunner().invoke(cli, argv)
    assert first.exit_code == 0, first.output
    written = next(p for p in tmp_path.iterdir() if p.name.startswith("out"))
    assert first.stderr.startswith(f"wrote {written}")
    stamp = written.stat().st_mtime_ns
    again = CliRunner().invoke(cli, [*argv, "--force"] if "merge" in args or "export" in args else argv)
    assert again.exit_code == 0, again.output
    assert again.stderr.startswith(f"unchanged {written}")
    assert written.stat().st_mtime_ns == stamp  # left alone


def documented_where() -> dict[str, set[str]]:
    """flag -> the commands docs/cli.md's "Where" column names ("glossary merge/import" is two commands)."""
    table: dict[str, set[str]] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or ";" in cells[3] or cells[3].startswith("every"):
            continue
        flag = re.fullmatch(r"`(-[a-z])`", cells[0]) or re.match(r"`(--[a-z][a-z-]*)", cells[1])
        if flag is None or cells[0] == "Short":
            continue
        commands: set[str] = set()
        for item in cells[3].split(", "):
            *group, leaves = item.split()
            commands.update(" ".join([*group, leaf]) for leaf in leaves.split("/"))
        table[flag.group(1)] = commands
    return table


def test_the_where_column_names_every_command_with_the_flag() -> None:
    where = documented_where()
    assert {"-f", "-t", "-g", "-o", "-q", "-y", "--force", "--strict"} <= set(where)
    for flag, documented in where.items():
        having = {n for n, c in COMMANDS if any(flag in o.opts + o.secondary_opts for o in options(c))}
        assert having == documented, f"docs/cli.md: {flag} is on {sorted(having)}"


def test_the_documented_shell_completion_works() -> None:
    """docs/cli.md's completion lines: each script is produced, and completion knows commands and choices."""
    sources = sorted(set(re.findall(r"_DRAGOMAN_COMPLETE=(\w+_source)", DOC.read_text(encoding="utf-8"))))
    assert sources == ["bash_source", "fish_source", "zsh_source"]
    for source in sources:
        script = CliRunner().invoke(cli, [], prog_name="dragoman", env={"_DRAGOMAN_COMPLETE": source})
        assert script.exit_code == 0 and "_dragoman_completion" in script.output, source

    def complete(words: str) -> list[str]:
        env = {"_DRAGOMAN_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1)}
        result = CliRunner().invoke(cli, [], prog_name="dragoman", env=env)
        assert result.exit_code == 0, result.output
        return [line.split(",", 1)[1] for line in result.output.splitlines()]

    assert complete("dragoman glossary li") == ["lint", "list"]
    assert {"apertium", "argos"} <= set(complete("dragoman translate --engine a"))
