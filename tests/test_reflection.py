"""想一想 (issue 11, item 5): every question in every notebook has a reference answer behind a text box.

The static scan reads the notebooks as files, so a new notebook is covered as soon as it lands: each markdown
cell that mentions 想一想 must be the question alone, followed by a code cell ``ml.ui.reflection("<id>")``
whose entry in ``data/reflections.yaml`` belongs to that notebook and has exactly that question.
"""
from __future__ import annotations

import ast
import html
import json
import re
from pathlib import Path

import pytest
import yaml

from microloan_sim.errors import InputError
from microloan_sim.ui import reflections as module
from microloan_sim.ui.reflections import load_reflections, reflection

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for folder in ("course", "exercises", "casebook") for p in (REPO / folder).glob("*.ipynb"))
CALL = re.compile(r'^ml\.ui\.reflection\("([^"]+)"\)$')
MARK = "**想一想**"
# what a learner may read in an answer besides Chinese: metric and rate names the course itself uses, case ids
ALLOWED_LATIN = {"PAR", "IRR", "LPR", "AUC", "HHI", "IPC", "AAA", "AA", "A", "B", "C", "k"}   # A: the grade between AA and B; IPC: 01, 02


def _rel(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _calls() -> dict[str, list[str]]:
    """reflection id -> the notebooks that call it."""
    found: dict[str, list[str]] = {}
    for path in NOTEBOOKS:
        for cell in _cells(path):
            source = "".join(cell["source"])
            if cell["cell_type"] == "code" and "reflection(" in source:
                match = CALL.fullmatch(source.strip())
                assert match, f"{path.name}: reflection cell should be one line ml.ui.reflection(\"<id>\"): {source!r}"
                found.setdefault(match.group(1), []).append(_rel(path))
    return found


# --------------------------------------------------------------------------- notebooks ↔ data file

@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: _rel(p))
def test_every_think_question_is_followed_by_its_reflection_box(notebook: Path) -> None:
    entries = load_reflections()
    cells = _cells(notebook)
    for i, cell in enumerate(cells):
        text = "".join(cell["source"]).strip()
        if cell["cell_type"] != "markdown" or "想一想" not in text:
            continue
        assert text.startswith(MARK) and text.count("想一想") == 1, \
            f"{notebook.name} 第 {i + 1} 格：想一想应单独成格，以 {MARK} 开头：{text[:60]!r}"
        assert i + 1 < len(cells) and cells[i + 1]["cell_type"] == "code", \
            f"{notebook.name} 第 {i + 1} 格：想一想后面应紧跟 ml.ui.reflection(...) 代码格"
        match = CALL.fullmatch("".join(cells[i + 1]["source"]).strip())
        assert match, f"{notebook.name} 第 {i + 2} 格应为 ml.ui.reflection(\"<编号>\")"
        rid = match.group(1)
        assert rid in entries, f"{notebook.name}：reflections.yaml 里没有编号 {rid}"
        assert entries[rid].notebook == _rel(notebook), f"{rid} 属于 {entries[rid].notebook}，不是 {notebook.name}"
        question = text[len(MARK):].lstrip("：:").strip()
        assert " ".join(entries[rid].prompt.split()) == " ".join(question.split()), \
            f"{rid}：reflections.yaml 的题目与 {notebook.name} 中的文字不一致"


def test_every_reflection_call_follows_a_question() -> None:
    for path in NOTEBOOKS:
        cells = _cells(path)
        for i, cell in enumerate(cells):
            if cell["cell_type"] == "code" and CALL.fullmatch("".join(cell["source"]).strip()):
                before = "".join(cells[i - 1]["source"]).strip() if i else ""
                assert cells[i - 1]["cell_type"] == "markdown" and before.startswith(MARK), \
                    f"{path.name} 第 {i + 1} 格：reflection 前面应是它的想一想题目"


def test_every_entry_is_used_exactly_once() -> None:
    calls = _calls()
    entries = load_reflections()
    assert sorted(calls) == sorted(entries), (
        f"未使用的条目：{sorted(set(entries) - set(calls))}；未知编号：{sorted(set(calls) - set(entries))}")
    assert all(len(where) == 1 for where in calls.values()), {k: v for k, v in calls.items() if len(v) > 1}


def test_the_current_course_has_all_its_questions() -> None:
    # 68 questions were counted with `grep -c 想一想` over course/ and exercises/ before this change
    # (00:1, 03:5, 03b:13, 04a:4, 04b:4, 04c:7, 04d:5, 04e:3, 05a:5, 05b:4, 05c:3, 07:5, ex01–ex09: 1 each)
    counted = {"00": 1, "03": 5, "03b": 13, "04a": 4, "04b": 4, "04c": 7, "04d": 5, "04e": 3, "05a": 5, "05b": 4,
               "05c": 3, "07": 5, **{f"ex0{n}": 1 for n in range(1, 10)}}
    # wired later, counted with `grep -c 想一想` before wiring: 01:6, 02:8, 06:13, ex10–ex12: 1 each
    counted.update({"01": 6, "02": 8, "06": 13, "ex10": 1, "ex11": 1, "ex12": 1})
    prefixes: dict[str, int] = {}
    for rid in load_reflections():
        prefix = rid.rsplit("-", 1)[0]
        prefixes[prefix] = prefixes.get(prefix, 0) + 1
    for prefix, count in counted.items():
        assert prefixes.get(prefix) == count, prefix
    for prefix, count in prefixes.items():             # numbered 1..n in each notebook, no gaps
        assert {f"{prefix}-{n}" for n in range(1, count + 1)} <= set(load_reflections()), prefix


# --------------------------------------------------------------------------- the answers themselves

def _sentences(text: str) -> int:
    return len(re.findall(r"[。？！]", text))


def test_answers_are_three_to_eight_sentences_of_chinese_a_learner_can_read() -> None:
    for rid, entry in load_reflections().items():
        parts = [line for line in entry.answer.splitlines() if line.strip()]
        numbered = len(re.findall(r"^\d+\. ", entry.prompt, flags=re.M))
        # one paragraph per sub-question of a numbered question, otherwise one paragraph
        assert len(parts) == max(numbered, 1), rid
        assert _sentences(entry.answer) >= 3, f"{rid}：参考答案少于 3 句"
        assert all(_sentences(p) <= 8 for p in parts), f"{rid}：参考答案（或其中一小题）超过 8 句"
        latin = set(re.findall(r"[A-Za-z]+", re.sub(r"\bC0\d\b", "", entry.answer)))
        assert latin <= ALLOWED_LATIN, f"{rid}：参考答案里有英文：{sorted(latin - ALLOWED_LATIN)}"


# --------------------------------------------------------------------------- loading and validation

def _write(tmp_path: Path, data: object) -> Path:
    file = tmp_path / "reflections.yaml"
    file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return file


GOOD = {"notebook": "course/04c_报表编制.ipynb", "prompt": "为什么？", "answer": "因为。所以。于是。"}


@pytest.mark.parametrize(("entries", "message"), [
    ({"04c-1": {**GOOD, "answer": ""}}, "reflections.04c-1.answer"),
    ({"04c-1": {k: v for k, v in GOOD.items() if k != "prompt"}}, "缺少此字段"),
    ({"04c-1": {**GOOD, "hint": "多余"}}, "未知字段"),
    ({"04c_1": GOOD}, "格式不对"),
    ({"04d-1": GOOD}, "不一致"),
    ({"04c-1": {**GOOD, "notebook": "/tmp/x.ipynb"}}, "笔记本"),
])
def test_a_broken_data_file_is_named_in_chinese(tmp_path: Path, entries: dict, message: str) -> None:
    with pytest.raises(InputError, match="文件 reflections.yaml") as err:
        load_reflections(_write(tmp_path, {"reflections": entries}))
    assert message in str(err.value)


def test_a_good_data_file_loads(tmp_path: Path) -> None:
    assert load_reflections(_write(tmp_path, {"reflections": {"04c-1": GOOD}}))["04c-1"].answer == "因为。所以。于是。"


# --------------------------------------------------------------------------- the widget

class _Answer:
    """The answer part of a box: its HTML once the box made it (at the first click), else empty."""

    def __init__(self, box) -> None:  # type: ignore[no-untyped-def]
        self.box = box

    @property
    def value(self) -> str:
        return self.box.children[3].value if len(self.box.children) > 3 else ""


class _Note:
    """The note "先写下你的想法…": shown in the heading until the learner has written."""

    def __init__(self, heading) -> None:  # type: ignore[no-untyped-def]
        self.heading = heading

    @property
    def shown(self) -> bool:
        return "先写下你的想法，再查看参考答案" in _visible_text(self.heading.value)


def _parts(box):  # type: ignore[no-untyped-def]
    heading, text, button = box.children[:3]
    return heading, text, button, _Note(heading), _Answer(box)


def _visible_text(markup: str) -> str:
    markup = re.sub(r"<style.*?</style>", "", markup, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_the_button_waits_for_the_learners_own_words_then_reveals_the_answer() -> None:
    entry = load_reflections()["04c-1"]
    box = reflection("04c-1")
    heading, text, button, note, answer = _parts(box)
    assert button.description == "查看参考答案" and button.disabled
    assert "先写下你的想法，再查看参考答案" in heading.value and note.shown
    assert len(box.children) == 3                          # no answer widget until it is asked for
    assert answer.value == ""                              # the answer is not in the page before it is asked for

    for typed in ("", "    ", "应 收\n", "应收增"):         # fewer than 4 non-space characters
        text.value = typed
        assert button.disabled, repr(typed)
        button.click()                                     # a click on a disabled button changes nothing
        assert answer.value == ""

    text.value = "应收增加了"
    assert not button.disabled and not note.shown
    button.click()
    shown = _visible_text(answer.value)
    assert "参考答案" in shown and entry.answer.splitlines()[0][:30] in shown
    assert button.description == "收起参考答案"

    text.value = ""                                        # once opened, the learner may close and reopen it
    button.click()
    assert answer.value == "" and button.description == "查看参考答案" and button.disabled and note.shown


def test_a_numbered_answer_keeps_its_parts_apart() -> None:
    box = reflection("03-3")
    _, text, button, _, answer = _parts(box)
    text.value = "客户经理只看奖金"
    button.click()
    assert answer.value.count("<p>") == 4


def test_the_widget_shows_no_code_and_the_prompt_only_when_asked() -> None:
    box = reflection("03b-3")
    heading = _visible_text(box.children[0].value)
    assert "想一想" not in heading and "不计分" in heading
    with_prompt = _visible_text(reflection("03b-3", show_prompt=True).children[0].value)
    assert "哪几种方法能发现 C07 的营业额被夸大" in with_prompt
    assert ".ipynb" not in with_prompt and "**" not in with_prompt
    for part in (heading, with_prompt, box.children[1].placeholder, box.children[2].description):
        assert not re.search(r"[A-Za-z]{2,}", part.replace("C07", "")), part


@pytest.mark.parametrize("bad", ["99z-1", "04c-99", "", None, 3])
def test_an_unknown_id_is_a_chinese_input_error(bad: object) -> None:
    with pytest.raises(InputError, match="想一想编号：没有编号为"):
        reflection(bad)  # type: ignore[arg-type]


def test_nothing_reaches_the_gradebook() -> None:
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert not any("gradebook" in name or "exercises" in name for name in imported), imported


def test_it_is_a_registered_dashboard_that_can_be_called_twice() -> None:
    import microloan_sim as ml

    # the module is named reflections (plural): a submodule named like the function would replace the function
    # on the package once imported, and the second ml.ui.reflection(...) of a notebook would call a module
    assert ml.ui.DASHBOARDS["reflection"] == "reflections"
    assert ml.ui.reflection is reflection
    assert ml.ui.reflection("00-1").children and ml.ui.reflection("ex01-1").children
