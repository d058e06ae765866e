"""想一想: a text box for the learner's own answer, and a reference answer revealed only after they have written.

Every 想一想 question of the course has an entry in ``data/reflections.yaml`` (validated with pydantic on load):
a stable id such as ``"04c-1"`` (the notebook's prefix, a dash, the question's number in that notebook), the
notebook it belongs to, the question as the notebook prints it, and a reference answer written as an
experienced 微贷 trainer would give it. Nothing here is graded and nothing goes to the gradebook: what the
learner types stays in their own kernel.

How a notebook uses it (``tests/test_reflection.py`` checks every notebook for this pattern)::

    markdown cell:  **想一想**：<the question, exactly as in reflections.yaml>
    code cell:      ml.ui.reflection("04c-1")

The markdown cell keeps the question for readers of the static notebook; the widget therefore does not repeat
it (``show_prompt=True`` shows it, for use outside a notebook page that prints it already).

Examples
--------
>>> box = reflection("04c-1")
>>> button = box.children[2]
>>> button.description, button.disabled
('查看参考答案', True)
>>> box.children[1].value = "应收增加"            # 4 characters typed
>>> button.disabled
False
>>> button.click()
>>> "权责发生制" in box.children[-1].value
True
"""
from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path

import ipywidgets as widgets
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .._data import data_path, file_stamp, load_model
from ..errors import InputError

#: the data file under ``microloan_sim/data``
REFLECTIONS_FILE = "reflections.yaml"
#: how many non-space characters the learner must type before the reference answer can be opened
MIN_CHARACTERS = 4
#: the id of a question: notebook prefix (``04c``, ``03b``, ``ex01``), a dash, its number in that notebook
ID_PATTERN = re.compile(r"^(?:\d\d[a-z]?|ex\d\d)-\d+$")

NOTE_BEFORE = "先写下你的想法，再查看参考答案"
SHOW = "查看参考答案"
HIDE = "收起参考答案"

_CSS = """
<style>
.ml-reflection {border-left: 3px solid #8fb3d9; padding: 4px 0 4px 10px; margin: 4px 0 12px 0;}
.ml-reflection textarea {font-size: 14px; line-height: 1.5;}
.ml-reflection-note {color: #6e7781; font-size: 12px;}
.ml-reflection-answer-box {background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 4px; padding: 8px 12px;
                           line-height: 1.6; margin-top: 4px;}
.ml-reflection-answer-box p {margin: 4px 0;}
</style>
"""


class Reflection(BaseModel):
    """One 想一想 question and its reference answer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    notebook: str = Field(min_length=1, description="the notebook that asks it, e.g. course/04c_报表编制.ipynb")
    prompt: str = Field(min_length=1, description="the question as the notebook prints it, without 想一想：")
    answer: str = Field(min_length=1, description="the reference answer (plain text; each line a paragraph)")

    @field_validator("notebook")
    @classmethod
    def _a_notebook(cls, value: str) -> str:
        if not re.fullmatch(r"(course|exercises|casebook)/[^/]+\.ipynb", value):
            raise ValueError("应为 course/、exercises/ 或 casebook/ 下的笔记本文件名")
        return value


class ReflectionFile(BaseModel):
    """The whole of ``data/reflections.yaml``: question id -> :class:`Reflection`."""

    model_config = ConfigDict(extra="forbid")

    reflections: dict[str, Reflection]

    @field_validator("reflections")
    @classmethod
    def _ids_match_notebooks(cls, value: dict[str, Reflection]) -> dict[str, Reflection]:
        for key, entry in value.items():
            if not ID_PATTERN.fullmatch(key):
                raise ValueError(f"编号“{key}”格式不对：应为笔记本编号加序号，例如 04c-1、ex01-1")
            prefix = Path(entry.notebook).stem.split("_", 1)[0]
            if key.rsplit("-", 1)[0] != prefix:
                raise ValueError(f"编号“{key}”与笔记本 {entry.notebook} 的编号 {prefix} 不一致")
        return value


def load_reflections(path: Path | str | None = None) -> dict[str, Reflection]:
    """Every 想一想 entry of ``data/reflections.yaml`` (or ``path``), validated; re-read when the file changes.

    Examples
    --------
    >>> entries = load_reflections()
    >>> entries["04c-1"].notebook
    'course/04c_报表编制.ipynb'
    """
    file = Path(path) if path is not None else data_path(REFLECTIONS_FILE)
    return _load(file, file_stamp(file)).reflections


@lru_cache(maxsize=4)
def _load(file: Path, _stamp: int) -> ReflectionFile:
    return load_model(ReflectionFile, file)


def get_reflection(reflection_id: str) -> Reflection:
    """The entry for ``reflection_id``; an unknown id raises :class:`InputError` in Chinese.

    Examples
    --------
    >>> get_reflection("99z-1")
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 想一想编号：没有编号为“99z-1”的想一想题目，请检查 reflections.yaml
    """
    entries = load_reflections()
    if not isinstance(reflection_id, str) or reflection_id not in entries:
        raise InputError(f"没有编号为“{reflection_id}”的想一想题目，请检查 reflections.yaml", field="想一想编号")
    return entries[reflection_id]


def _paragraphs(text: str) -> str:
    """Plain text as escaped HTML paragraphs, one per line (numbered parts of an answer stay apart).

    >>> _paragraphs("1. 甲。\\n\\n2. 乙 < 丙。")
    '<p>1. 甲。</p><p>2. 乙 &lt; 丙。</p>'
    """
    parts = [" ".join(p.split()) for p in text.strip().splitlines()]
    return "".join(f"<p>{html.escape(p)}</p>" for p in parts if p)


def plain_prompt(prompt: str) -> str:
    """The question as a learner reads it: markdown bold and link targets removed, on one line.

    >>> plain_prompt("在 [04b 交叉验证](04b_交叉验证.ipynb) 里，**哪几种**方法？")
    '在 04b 交叉验证 里，哪几种方法？'
    """
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", prompt).replace("**", "")
    return " ".join(text.split())


def has_written(text: str) -> bool:
    """Whether the learner has typed at least :data:`MIN_CHARACTERS` non-space characters.

    >>> has_written("   "), has_written("应 收"), has_written("应收增加")
    (False, False, True)
    """
    return len("".join(str(text or "").split())) >= MIN_CHARACTERS


def reflection(reflection_id: str, *, show_prompt: bool = False) -> widgets.VBox:
    """A 想一想 box: the learner writes, then may open the reference answer. Never graded, never submitted.

    Parameters
    ----------
    reflection_id : str
        Id in ``data/reflections.yaml``, e.g. ``"04c-1"``; an unknown id raises :class:`InputError`.
    show_prompt : bool
        Also show the question. Notebooks print it in the markdown cell above, so the default is ``False``.

    Children, in order: the heading (the question only with ``show_prompt``, else a short heading) with the note
    "先写下你的想法，再查看参考答案" until the learner has written, the text box, the button, and once the button
    is first clicked the answer. Every course page holds several of these boxes, so each is kept to four widgets
    (a widget costs every learner's kernel about a millisecond when the page opens).

    >>> box = reflection("04c-1")
    >>> heading, text, button = box.children
    >>> button.disabled, NOTE_BEFORE in heading.value
    (True, True)
    >>> text.value = "应收增加了"
    >>> button.click()
    >>> len(box.children), NOTE_BEFORE in heading.value, button.description
    (4, False, '收起参考答案')
    """
    entry = get_reflection(reflection_id)
    head = (f"<b>想一想：</b>{html.escape(plain_prompt(entry.prompt))}" if show_prompt
            else "<b>写下你的想法</b>（只留在你自己的页面上，不计分、不提交）")
    note = f"<div class='ml-reflection-note'>{NOTE_BEFORE}</div>"
    heading = widgets.HTML(_CSS + f"<div class='ml-reflection-head'>{head}</div>{note}")
    box = widgets.Textarea(placeholder="在这里写下你的想法……", rows=4,
                           layout=widgets.Layout(width="95%", max_width="820px"))
    box.add_class("ml-reflection-input")
    button = widgets.Button(description=SHOW, disabled=True,
                            layout=widgets.Layout(width="auto", align_self="flex-start"))
    button.add_class("ml-reflection-button")
    root = widgets.VBox([heading, box, button])
    root.add_class("ml-reflection")
    answer: list[widgets.HTML] = []   # made when first asked for: most boxes are never opened

    def typed(_change: object = None) -> None:
        written = has_written(box.value)
        opened = bool(answer and answer[0].value)
        button.disabled = not written and not opened
        shown = heading.value.endswith(note)
        if shown != (not written and not opened):
            heading.value = heading.value.removesuffix(note) if shown else heading.value + note

    def toggle(_button: object = None) -> None:
        if answer and answer[0].value:
            answer[0].value = ""
            button.description = SHOW
        elif has_written(box.value):
            if not answer:
                answer.append(widgets.HTML(layout=widgets.Layout(width="95%", max_width="820px")))
                answer[0].add_class("ml-reflection-answer")
                root.children = (*root.children, answer[0])
            answer[0].value = ("<div class='ml-reflection-answer-box'><b>参考答案</b>（供对照思考，不是唯一答案）"
                               f"{_paragraphs(entry.answer)}</div>")
            button.description = HIDE
        typed()

    box.observe(typed, names="value")
    button.on_click(toggle)
    return root
