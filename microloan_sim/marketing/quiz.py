"""Scenario questions for the headings of 第六部分 that have nothing to compute (``quizzes`` in
``data/marketing.yaml``): the options are shown in a fixed shuffled order, an answer gets its explanation.

Examples
--------
>>> q = quiz("linkage")
>>> q.title, len(q.questions) >= 2
('联动营销', True)
>>> check_answer("linkage", 0, "公私联动")[0], check_answer("linkage", 0, "产品联动")[0]
(True, False)
>>> quiz("天气")
Traceback (most recent call last):
...
microloan_sim.errors.InputError: 小测验：没有“天气”这组题
"""
from __future__ import annotations

from ..errors import InputError
from ._params import MarketingParameters, Question, Quiz, parameters


def quiz(topic: str, params: MarketingParameters | None = None) -> Quiz:
    """The quiz of ``topic`` with each question's options rotated by its position (the answer is not always
    the first option)."""
    p = params or parameters()
    if topic not in p.quizzes:
        raise InputError(f"没有“{topic}”这组题", field="小测验")
    q = p.quizzes[topic]
    shown = []
    for i, item in enumerate(q.questions):
        k = (i + 1) % len(item.options)
        shown.append(Question(prompt=item.prompt, options=item.options[k:] + item.options[:k], answer=item.answer,
                              explain=item.explain))
    return Quiz(title=q.title, note=q.note, questions=shown)


def check_answer(topic: str, index: int, choice: str, params: MarketingParameters | None = None) -> tuple[bool, str]:
    """Whether ``choice`` answers question ``index`` of ``topic``, and the explanation to show."""
    q = quiz(topic, params)
    if not 0 <= int(index) < len(q.questions):
        raise InputError(f"没有第 {int(index) + 1} 题", field="小测验")
    item = q.questions[int(index)]
    if choice not in item.options:
        raise InputError(f"“{choice}”不是这道题的选项", field="小测验")
    return choice == item.answer, item.explain
