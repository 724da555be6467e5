"""What the docs show is what the program does: settings and their defaults, the JSON of docs/formats.md,
the persona template of docs/practice.md and the command-line options of docs/reference.md."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"


def _tables(text: str) -> list[list[list[str]]]:
    """The Markdown tables of ``text``: each a list of rows (header first), each row its cells."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if not all(set(c) <= set("-: ") for c in cells):  # not the |---| row
                current.append(cells)
        elif current:
            tables.append(current)
            current = []
    return tables


# --- settings ------------------------------------------------------------------------------------------


def _doc_default(text: str) -> object:
    """A default as the docs write it, as a value: '–', 'unset (...)', 'shipped' and 'the ...' are None."""
    text = text.replace("`", "").strip()
    if text in {"–", "-", "shipped", "unset"} or text.startswith(("unset ", "the ")):
        return None
    if text in {"off", "on"}:
        return text == "on"
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return text.strip('"')


def _documented_defaults() -> list[tuple[str, str, object]]:
    """(where, NAME, default) for each setting a docs table or a '(default ...)' remark gives a default for."""
    found: list[tuple[str, str, object]] = []
    for page in sorted(DOCS.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        for table in _tables(text):
            header = [c.lower() for c in table[0]]
            if "default" not in header or not re.match(r"^`(CALMLINE_)?[A-Z_]+`", table[1][0]):
                continue
            col = header.index("default")
            for row in table[1:]:
                names = [n.strip("` ").removeprefix("CALMLINE_") for n in row[0].split(" / ")]
                defaults = row[col].split(" / ")
                assert len(names) == len(defaults), (page.name, row)
                found += [(page.name, n, _doc_default(d)) for n, d in zip(names, defaults, strict=True)]
        for name, default in re.findall(r"CALMLINE_([A-Z_]+)`? \(default:? ([^)]+?)(?: characters)?\)", text):
            found.append((page.name, name, _doc_default(default)))
    return found


def test_documented_settings_exist_with_their_defaults() -> None:
    from calmline.service.settings import Settings

    fields = {name.upper(): f.default for name, f in Settings.model_fields.items()}
    documented = _documented_defaults()
    assert len(documented) >= 30  # the tables were found
    for page, name, default in documented:
        assert name in fields, f"{page}: CALMLINE_{name} is not a setting"
        actual = fields[name]
        if isinstance(actual, bool):
            assert default in (actual, float(actual)), f"{page}: CALMLINE_{name} defaults to {actual}, not {default}"
        elif isinstance(actual, int | float) and not isinstance(default, str):
            assert default is not None and float(actual) == default, (
                f"{page}: CALMLINE_{name} defaults to {actual}, not {default}"
            )
        else:
            assert actual == default or (actual == "" and default is None), (
                f"{page}: CALMLINE_{name} defaults to {actual!r}, not {default!r}"
            )


def test_every_setting_is_documented() -> None:
    from calmline.service.settings import Settings

    text = "\n".join(p.read_text(encoding="utf-8") for p in DOCS.glob("*.md"))
    missing = [
        n.upper()
        for n in Settings.model_fields
        if f"CALMLINE_{n.upper()}" not in text and not re.search(rf"`{n.upper()}`", text)
    ]
    assert not missing, missing


# --- docs/formats.md ------------------------------------------------------------------------------------

FORMATS = DOCS / "formats.md"


def _json_blocks(section: str) -> list[Any]:
    """The ```json blocks under the docs/formats.md heading that starts with ``section``, parsed."""
    text = FORMATS.read_text(encoding="utf-8")
    parts = re.split(r"^## ", text, flags=re.M)
    (body,) = [p for p in parts if p.startswith(section)]
    return [json.loads(b) for b in re.findall(r"```json\n(.*?)```", body, flags=re.S)]


def _shape(value: Any) -> Any:
    """The keys of ``value``, recursively (lists by the union of their items' shapes), without the values."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        merged: dict[str, Any] = {}
        for item in value:
            shape = _shape(item)
            if isinstance(shape, dict):
                merged.update(shape)
        return [merged] if merged else []
    return type(value).__name__ if value is not None else None


def _same_keys(doc: Any, real: Any, where: str = "") -> None:
    """Every key the docs show is in the real output and the other way round (lists: where both have items)."""
    if isinstance(doc, dict) and isinstance(real, dict):
        assert set(doc) == set(real), f"{where}: docs {sorted(doc)} vs program {sorted(real)}"
        for k in doc:
            _same_keys(doc[k], real[k], f"{where}.{k}")
    elif isinstance(doc, list) and isinstance(real, list) and doc and real:
        _same_keys(doc[0], real[0], f"{where}[]")


def _cli(args: list[str], stdin: str) -> list[dict[str, Any]]:
    from typer.testing import CliRunner

    from calmline.cli import app

    result = CliRunner().invoke(app, args, input=stdin)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_formats_input_example_is_read_as_documented(tmp_path: Path) -> None:
    from calmline.io import read_conversations
    from calmline.types import Role

    (example,) = _json_blocks("Input")
    path = tmp_path / "data.jsonl"
    path.write_text(json.dumps(example) + "\n" + '{"id": "x", "text": "Where is my order?"}\n', encoding="utf-8")
    conv, one_turn = read_conversations(path)
    assert conv.id == "c1" and conv.metadata == {"channel": "chat"}  # an unknown top-level field, kept
    (turn,) = conv.turns
    assert turn.role is Role.CUSTOMER and turn.text == "..." and turn.author == "Sam" and turn.id == "m1"
    assert turn.ts is not None and turn.ts.isoformat() == "2026-01-01T10:00:00+00:00"
    assert one_turn.id == "x" and [t.role for t in one_turn.turns] == [Role.CUSTOMER]


def test_formats_analyze_output_example_has_the_programs_fields() -> None:
    (doc,) = _json_blocks("Output (`calmline analyze")
    text = "You total idiot, where is my order?"  # "idiot" at 10-15, as in the example
    conv = {"id": "c1", "turns": [{"role": "customer", "text": text, "ts": "2026-01-01T10:00:00Z"}]}
    conv["turns"].append({"role": "agent", "text": "I'm sorry, let me check."})
    (real,) = _cli(["analyze", "-", "--format", "jsonl"], json.dumps(conv) + "\n")
    _same_keys(_shape(doc), _shape(real), "line")
    customer, agent = real["turns"]
    assert customer["signals"][0]["label"] == doc["turns"][0]["signals"][0]["label"] == "abuse.insult"
    assert set(agent) == set(doc["turns"][1]) == {"index", "role", "signals"}
    for ev in doc["turns"][0]["learned_why"]["abuse"]["evidence"]:  # the example's offsets fit that text
        assert text[ev["start"] : ev["end"]] == ev["text"]
    assert doc["state"]["frustration_trend"] == real["state"]["frustration_trend"]  # one customer turn: steady


def test_formats_guide_output_example_has_the_programs_fields() -> None:
    (doc,) = _json_blocks("Output (`calmline guide")
    conv = {"id": "c1", "turns": [{"role": "customer", "text": "You idiot, I want a manager now. Third time I ask!"}]}
    (real,) = _cli(["guide", "-", "--format", "jsonl"], json.dumps(conv) + "\n")
    _same_keys(_shape(doc), _shape(real), "line")
    guidance = real["turns"][0]["guidance"]
    assert [m["move"] for m in guidance["moves"]][:1] == ["boundary"] and guidance["escalation"] is not None
    assert guidance["ladder"]["steps"][0]["evidence"] == doc["turns"][0]["guidance"]["ladder"]["steps"][0]["evidence"]


def test_formats_coach_examples_run_as_documented() -> None:
    example_in, doc = _json_blocks("Coach input and output")
    (real,) = _cli(["coach", "--format", "jsonl"], json.dumps(example_in) + "\n")
    _same_keys(_shape(doc), _shape(real), "line")
    assert real["id"] == "d1" and 0 <= real["score"] <= 100
    assert real["unfilled"] == doc["unfilled"]  # the draft's own placeholder, at the documented offsets
    assert [x["label"] for x in real["labels"]] == [x["label"] for x in doc["labels"]]
    assert {m["move"] for m in doc["missing"]} <= {m["move"] for m in real["missing"]}


# --- docs/reference.md: the command line ----------------------------------------------------------------


def _commands() -> dict[str, Any]:
    """Every leaf command of the CLI by its full name (``"alerts list"``), as click objects."""
    import typer.main

    from calmline.cli import app

    out: dict[str, Any] = {}

    def walk(cmd: Any, path: list[str]) -> None:
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                walk(sub, [*path, name])
        else:
            out[" ".join(path)] = cmd

    walk(typer.main.get_command(app), [])
    return out


def _default(param: Any) -> str:
    """A click option's default as docs/reference.md writes it."""
    if param.is_flag and not param.secondary_opts:
        return "off"
    if param.secondary_opts:
        return f"`{param.opts[0] if param.default else param.secondary_opts[0]}`"
    value = getattr(param.default, "value", param.default)
    return "–" if value is None else f"`{value}`"


def test_reference_lists_every_command_option_and_default() -> None:
    text = (DOCS / "reference.md").read_text(encoding="utf-8")
    section = text.split("## Command line", 1)[1].split("\n## ", 1)[0]
    documented: dict[str, dict[str, str]] = {}
    for block in re.split(r"^### ", section, flags=re.M)[1:]:
        heading = re.match(r"`calmline ([a-z -]+?)(?: \[[A-Z_]+\])?`", block)
        assert heading, block[:80]
        rows = (_tables(block) or [[["option", "default", ""]]])[0][1:]
        documented[heading[1]] = {row[0]: row[1] for row in rows}
    commands = _commands()
    assert set(documented) == set(commands)
    for name, cmd in commands.items():
        real = {
            ", ".join(f"`{o}`" for o in [*p.opts, *p.secondary_opts]): _default(p)
            for p in cmd.params
            if p.param_type_name == "option" and p.name != "help"
        }
        assert documented[name] == real, f"calmline {name}: docs {documented[name]} vs program {real}"
        args = [p.name.upper() for p in cmd.params if p.param_type_name == "argument"]
        usage = f"### `calmline {name}" + "".join(f" [{a}]" for a in args) + "`"
        assert usage in section, (name, args)


def test_docs_home_links_every_page_of_the_site() -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    pages = {p.name for p in DOCS.glob("*.md")} - {"index.md"}
    assert pages <= set(re.findall(r"\]\(([a-z-]+\.md)\)", index))


# --- docs/practice.md -----------------------------------------------------------------------------------


def test_practice_persona_template_loads_once_filled_in(tmp_path: Path) -> None:
    """The persona file of docs/practice.md, its `[ ... ]` placeholders filled with one line each, is valid,
    and the documented situations, needs and limits are the loader's."""
    from calmline.errors import ConfigError
    from calmline.practice.persona import NEEDS, SITUATIONS, load_persona

    text = (DOCS / "practice.md").read_text(encoding="utf-8")
    (template,) = re.findall(r"```yaml\n(.*?)```", text, flags=re.S)
    filled = template.replace("[ ... ]", '["Where is my parcel? It was due on Monday."]')
    path = tmp_path / "our-late-parcel.yaml"
    path.write_text(filled, encoding="utf-8")
    persona = load_persona(path)
    assert persona.id == "our-late-parcel" and persona.needs == ("next_step", "reference")
    assert persona.weights == {"canned": 1.5} and persona.max_turns == 8 and persona.resolve_at == 0.3
    documented_needs = re.search(r"needs: \[next_step, reference\]\s+# (.*)", template)
    assert documented_needs and tuple(documented_needs[1].split()) == NEEDS
    for situation in SITUATIONS:
        assert f"`{situation}`" in text, situation
    path.write_text(filled + "\nmood_swing: 2\n", encoding="utf-8")  # unknown keys are refused, naming the key
    with pytest.raises(ConfigError, match="mood_swing"):
        load_persona(path)
