"""Exam variants (keyed with the course key), case pools per exercise, and the leak test: no course dashboard,
given a learner's id, shows any of that learner's graded numeric answers."""
from __future__ import annotations

import ast
import contextlib
import io
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import microloan_sim as ml
from microloan_sim import documents, gradebook
from microloan_sim.casebook import seed_for
from microloan_sim.gradebook import exam_variant

ROOT = Path(__file__).resolve().parents[1]
KEY = b"leak-test-course-key-2025"
POOLED = ["ex01", "ex02", "ex03", "ex04", "ex05", "ex06"]


def segment(case_id: str) -> str:
    return ml.casebook.load_case(case_id).segment


def exam_case(exercise_id: str, learner: str, key: bytes = KEY) -> str:
    return ml.exercises.get(exercise_id).case_id(exam_variant(exercise_id, learner, key))


# --------------------------------------------------------------------------- the keyed seed

def test_exam_seed_is_deterministic_and_keyed() -> None:
    import hashlib
    import hmac

    seeds = {exam_variant("ex01", "张三", KEY) for _ in range(3)}
    assert len(seeds) == 1
    seed = seeds.pop()
    assert 0 <= seed < 2 ** 32
    # without digits at the end the HMAC alone picks: its first 4 bytes, moved to the pool entry they point at
    # (computed here with hmac directly: 4 cases in ex01's pool)
    drawn = int.from_bytes(hmac.new(KEY, "ex01|张三".encode(), hashlib.sha256).digest()[:4], "big")
    assert seed == drawn and seed % 4 == drawn % 4
    assert exam_variant("ex01", " 张三 ", KEY) == seed                       # ids are normalised as everywhere
    assert exam_variant("ex02", "张三", KEY) != seed                         # differs by exercise
    assert exam_variant("ex01", "张三", b"another-course") != seed            # and by course key
    for learner in ["张三", "学员07", "2025-班1-08", "li.wei"]:
        for exercise in POOLED + ["ex07", "ex08", "ex09"]:
            assert exam_variant(exercise, learner, KEY) != seed_for(learner)  # never the dashboards' practice seed


def test_exam_seed_defaults_to_the_course_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MICROLOAN_COURSE_KEY", "课堂密钥-甲")
    assert exam_variant("ex03", "学员01") == exam_variant("ex03", "学员01", "课堂密钥-甲".encode())
    monkeypatch.delenv("MICROLOAN_COURSE_KEY")
    monkeypatch.setenv("MICROLOAN_DATA_DIR", str(tmp_path))
    first = exam_variant("ex03", "学员01")                               # the key file is created on first use
    assert (tmp_path / "course.key").is_file() and exam_variant("ex03", "学员01") == first


def test_submit_grades_on_the_exam_variant_and_a_tampered_variant_is_refused_on_import(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MICROLOAN_COURSE_KEY", "课堂密钥-2025")
    key = "课堂密钥-2025".encode()
    exercise = ml.exercises.get("ex01")
    exam = exam_variant("ex01", "学员07", key)
    right = {k: v for k, v in exercise.expected(exam).items() if v is not None}
    with gradebook.Gradebook(data_dir=tmp_path / "laptop") as laptop:
        submission = laptop.submit("学员07", "ex01", right)
        assert submission.score == submission.max_score                # graded on the exam variant
        assert laptop.learner_attempts("学员07")[0].variant == exam
        practice = laptop.submit("学员08", "ex01", {k: v for k, v in exercise.expected("学员08").items()})
        assert practice.score < practice.max_score / 2                  # the dashboards' numbers do not pass
    good = submission.receipt_path
    data = json.loads(good.read_text(encoding="utf-8"))
    assert data["variant"] == exam
    tampered = tmp_path / "tampered.json"
    forged = dict(data, variant=seed_for("学员07"), receipt_id=data["receipt_id"][:-4] + "beef")
    forged["digest"] = gradebook._sign(forged, key)                    # re-signed: only the variant check can stop it
    tampered.write_text(json.dumps(forged, ensure_ascii=False), encoding="utf-8")
    other = tmp_path / "other-learner.json"
    moved = dict(data, learner_id="学员09", receipt_id=data["receipt_id"][:-4] + "cafe")
    moved["digest"] = gradebook._sign(moved, key)                      # 学员07's variant claimed by 学员09
    other.write_text(json.dumps(moved, ensure_ascii=False), encoding="utf-8")
    with gradebook.Gradebook(data_dir=tmp_path / "class") as book:
        summary = book.import_receipts([good, tampered, other])
    assert [Path(r.file).name for r in summary.imported] == [good.name]
    reasons = {Path(r.file).name: r.reason for r in summary.rejected}
    assert set(reasons) == {"tampered.json", "other-learner.json"}
    for reason in reasons.values():
        assert "不是该学员在本课程密钥下的考核变体" in reason and "variant" in reason


def test_a_receipt_graded_under_another_course_key_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same signing key, but the variant was computed under another course's key: refused, with a reason."""
    monkeypatch.setenv("MICROLOAN_COURSE_KEY", "课堂密钥-2025")
    exercise = ml.exercises.get("ex07")
    foreign = exam_variant("ex07", "学员05", b"another-course")
    with gradebook.Gradebook(data_dir=tmp_path / "laptop") as laptop:
        path = laptop.submit("学员05", "ex07", {"upfront_rule": "《民法典》第670条"}, variant=foreign).receipt_path
    assert exercise.id == "ex07"
    with gradebook.Gradebook(data_dir=tmp_path / "class") as book:
        summary = book.import_receipts([path])
    assert not summary.imported and "考核变体" in summary.rejected[0].reason


# --------------------------------------------------------------------------- pools

LEARNER_IDS = [f"学员{n:02d}" for n in range(1, 121)] + [f"{name}{suffix}" for name in ("张三", "li-wei", "王五")
                                                        for suffix in ("", "-甲", "-乙", "班", "-a", "-b", "同学")]


@pytest.mark.parametrize("exercise_id", POOLED)
def test_every_pool_case_is_drawn(exercise_id: str) -> None:
    pool = ml.exercises.get(exercise_id).spec.cases
    drawn = {exam_case(exercise_id, learner) for learner in LEARNER_IDS}
    assert drawn == set(pool)
    without_digits = [learner for learner in LEARNER_IDS if not learner[-1].isdigit()]
    assert {exam_case(exercise_id, learner) for learner in without_digits} == set(pool)  # the HMAC picks them too


def test_pools_cover_the_required_kinds_of_borrower() -> None:
    pools = {exercise_id: ml.exercises.get(exercise_id).spec.cases for exercise_id in POOLED}
    shops = {"C01", "C04", "C07", "C09"}
    # ex01: a shop, the carton factory C02, a farmer (C03 pigs or C05 vineyard) and the salaried consumer C06
    assert shops & set(pools["ex01"]) and "C02" in pools["ex01"] and {"C03", "C05"} & set(pools["ex01"])
    assert "C06" in pools["ex01"]
    # ex02: at least four cases whose answer_key.yaml plants flaws the exercise's verdicts classify
    verdict_kinds = {"inflated_sales", "hidden_income", "hidden_debt", "undeclared_card_debt",
                     "overstated_inventory", "personal_spending"}
    assert len(pools["ex02"]) >= 4
    for case_id in pools["ex02"]:
        case = ml.casebook.load_case(case_id)
        assert {flaw.kind for flaw in documents.load_answer_key(case)} & verdict_kinds, case_id
    for exercise_id in ("ex03", "ex04"):
        assert {segment(c) for c in pools[exercise_id]} == {"business", "farm", "consumer"}
    assert pools["ex05"] and {segment(c) for c in pools["ex05"]} == {"farm"} and set(pools["ex05"]) <= {"C03", "C05"}
    assert len(pools["ex06"]) >= 3


@pytest.mark.parametrize("exercise_id", POOLED)
def test_neighbours_never_share_a_borrower(exercise_id: str) -> None:
    cases = [exam_case(exercise_id, f"学员{n:02d}") for n in range(1, 31)]
    pool = ml.exercises.get(exercise_id).spec.cases
    for n, (mine, next_one) in enumerate(zip(cases, cases[1:]), start=1):
        assert mine != next_one, (n, mine)
        assert pool.index(next_one) == (pool.index(mine) + 1) % len(pool)   # consecutive numbers, next pool entry
    # under another course key the whole class is shifted by the same key-derived offset
    other = [exam_case(exercise_id, f"学员{n:02d}", b"other-course") for n in range(1, 31)]
    assert all(a != b for a, b in zip(other, other[1:]))


def test_legacy_single_case_is_read_as_a_pool_of_one() -> None:
    spec = ml.exercises.ExerciseSpec.model_validate(
        {"id": "exx", "title": "t", "case": "C04", "description": "d", "partial_credit": 0.5,
         "items": [{"id": "a", "label": "甲", "kind": "money", "points": 1, "hint": "提示提示"}]})
    assert spec.cases == ["C04"]
    with pytest.raises(ValueError):
        ml.exercises.ExerciseSpec.model_validate({"id": "exx", "title": "t", "cases": [], "description": "d",
                                                  "partial_credit": 0.5, "items": []})


@pytest.mark.parametrize("exercise_id", POOLED)
def test_every_pool_case_gives_a_valid_key(exercise_id: str) -> None:
    """Many seeds per pool case: every numeric answer finite, every choice answer among the options, and the key
    itself scores full marks (free text is the instructor's)."""
    exercise = ml.exercises.get(exercise_id)
    pool = exercise.spec.cases
    per_case = {case_id: 0 for case_id in pool}
    for seed in range(0, 12 * len(pool)):
        case_id = exercise.case_id(seed)
        per_case[case_id] += 1
        key = exercise.expected(seed)
        for item in exercise.items_for(exercise.case(seed)):
            value = key.get(item.id)
            if item.kind == "choice":
                accepted = value if isinstance(value, (list, tuple)) else [value]
                assert accepted and all(v in item.options for v in accepted), (case_id, seed, item.id, value)
            elif item.kind != "text":
                assert value is not None and np.isfinite(float(value)), (case_id, seed, item.id, value)
        result = exercise.grade({k: v for k, v in key.items() if v is not None}, seed)
        manual = sum(i.max_points for i in result.items if i.status in ("manual", "missing"))
        assert result.score == result.max_score - manual and not any(i.status == "wrong" for i in result.items)
    assert min(per_case.values()) >= 12


def test_ex02_verdicts_depend_on_the_seed_not_only_on_the_case() -> None:
    """The seed chooses which of the case's flaws are planted (never all of them, which the dashboards show); the
    key's verdicts follow the planted flaws (checked over 50 variants in test_exercises)."""
    from microloan_sim.exercises.keys_casework import exam_flaws

    exercise = ml.exercises.get("ex02")
    for case_id in exercise.spec.cases:
        seeds = [s for s in range(400) if exercise.case_id(s) == case_id][:40]
        every = {flaw.id for flaw in documents.load_answer_key(ml.casebook.load_case(case_id))}
        chosen = {exam_flaws(ml.casebook.load_case(case_id, variant=s)) for s in seeds}
        assert len(chosen) >= 3 and all(set(c) < every for c in chosen), case_id
        practice = ml.casebook.load_case(case_id, variant="学员07")   # what 04a/04b show for the id typed
        assert len(documents.planted_flaws(practice)) == len(every)   # the dashboards plant every flaw
    verdicts = {tuple(exercise.expected(s)[k] for k in ("sales_verdict", "debt_verdict", "inventory_verdict"))
                for s in range(4, 12)}
    assert len(verdicts) >= 3
    shown = exercise.briefing(exam_variant("ex02", "学员07", KEY))
    assert "银行流水按月汇总" in shown.tables and "学员编号" not in shown.note


def test_exercise_form_names_the_exam_case_and_never_a_seed(monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path: Path) -> None:
    import ipywidgets as widgets

    monkeypatch.setenv("MICROLOAN_COURSE_KEY", KEY.decode())
    monkeypatch.setenv("MICROLOAN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    got: list[Any] = []
    with contextlib.redirect_stdout(io.StringIO()):
        form = ml.ui.exercise_form("ex03", recorder=lambda who, answers, result: got.append(result) or "已记录")
        learner = next(w for w in walk(form) if "ml-learner" in getattr(w, "_dom_classes", ()))
        learner.value = "学员11"
        submit = next(w for w in walk(form) if isinstance(w, widgets.Button) and "ml-submit" in w._dom_classes)
        submit.click()
    seed = exam_variant("ex03", "学员11", KEY)
    case = ml.exercises.get("ex03").case(seed)
    text = " ".join(widget_texts(form))
    assert f"你的考核案例：<b>{case.id} {case.title}</b>（个人变体）" in text
    assert str(seed) not in text and f"{seed:,}" not in text
    assert got and got[0].variant == seed


# --------------------------------------------------------------------------- the leak test

def walk(widget: Any) -> Iterator[Any]:
    yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from walk(child)


_SKIP_KEYS = {"_model_module", "_model_module_version", "_model_name", "_view_module", "_view_module_version",
              "_view_name", "_dom_classes", "layout", "style", "image/png", "msg_id"}


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        if not value.startswith("IPY_MODEL_"):
            yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in _SKIP_KEYS:
                yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def widget_texts(root: Any, owned: set[str] | None = None) -> list[str]:
    """Every string in the state of the dashboard's widgets: HTML values, Output contents (HTML and text of each
    display), labels, options, placeholders, descriptions (PNG pixels are not text and are skipped)."""
    from ipywidgets.widgets import widget as registry

    alive = registry._instances
    ids = {w.model_id for w in walk(root)} | (owned or set())
    texts: list[str] = []
    for model_id in ids:
        w = alive.get(model_id)
        if w is not None:
            texts.extend(_strings(w.get_state()))
    return texts


_NUMBER = re.compile(r"(?<![\w.])([-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(%|万)?")


def significant_digits(raw: str) -> int:
    """Significant digits of a number as written: ``12,345`` 5, ``120,000`` 2, ``0.0450`` 3, ``12.30`` 4."""
    digits = raw.replace(",", "").replace("-", "")
    if "." in digits:
        return len(digits.replace(".", "").lstrip("0"))
    return len(digits.lstrip("0").rstrip("0"))


def numbers_shown(texts: list[str]) -> np.ndarray:
    """The numbers with at least 4 significant digits, as the UI writes them (12,345 / 12345 / 12,345.00 /
    12.34% → 0.1234 / 1.234万 → 12,340), each with half a unit of its last written digit: rows (value, half unit)."""
    rows = []
    for text in texts:
        for match in _NUMBER.finditer(text):
            raw, unit = match.group(1).replace("−", "-"), match.group(2)
            if significant_digits(raw) < 4:
                continue
            decimals = len(raw.split(".")[1]) if "." in raw else 0
            scale = 0.01 if unit == "%" else 1e4 if unit == "万" else 1.0
            rows.append((float(raw.replace(",", "")) * scale, 0.5 * 10.0 ** -decimals * scale))
    return np.unique(np.asarray(rows, dtype=float).reshape(-1, 2), axis=0)


def graded_numbers(learner: str, variant_of: Callable[[str, str], Any]) -> list[tuple[str, str, float, float]]:
    """(exercise, item, key value, abs tolerance) of the learner's numeric answers in every registered exercise
    (ex01–ex09 and any later one) that have at least 4 significant digits (1, 0 or 100,000 on a screen is no
    clue). Every one counts, including a number that could be the same in every variant (none is today: the
    variants rescale the household's debts too)."""
    found = []
    for exercise in ml.exercises.all_exercises():
        variant = variant_of(exercise.id, learner)
        key = exercise.expected(variant)
        for item in exercise.items:
            value = key.get(item.id)
            if item.kind not in ("money", "number", "ratio") or value is None:
                continue
            if significant_digits(f"{abs(float(value)):.9f}".rstrip("0").rstrip(".")) < 4:
                continue
            found.append((exercise.id, item.id, float(value), item.abs_tolerance))
    return found


def leaks(shown: np.ndarray, graded: list[tuple[str, str, float, float]]) -> list[tuple[str, str, float]]:
    """Graded answers written on screen: a shown number that is the key at the precision it is written in (within
    half a unit of its last digit) and within the item's absolute tolerance, so copying it scores. A number that
    merely falls in a wide tolerance band (±100 元) by chance is not the key written out and is not counted."""
    out = []
    values, halves = shown[:, 0], shown[:, 1]
    for exercise_id, item_id, value, tolerance in graded:
        slack = np.minimum(halves, tolerance) + 1e-9 * max(1.0, abs(value))
        hit = np.abs(values - value) <= slack
        if hit.any():
            out.append((exercise_id, item_id, value))
    return out


_TINY_PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                          "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082")


def _notebook_calls() -> list[tuple[str, str]]:
    """(notebook, code) of every course/casebook notebook code cell that calls ``ml.ui``."""
    cells = []
    for notebook in sorted([*ROOT.glob("course/*.ipynb"), *ROOT.glob("casebook/*.ipynb")]):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "code" and "ml.ui." in source:
                cells.append((notebook.name, source))
    return cells


class _Recorder:
    """Stands in for ``ml`` in a notebook cell: ``ml.ui.<dashboard>(...)`` builds the real dashboard and keeps it."""

    def __init__(self, built: list[tuple[str, Any, set[str]]]) -> None:
        self._built = built

    def __getattr__(self, name: str) -> Any:
        if name != "ui":
            return getattr(ml, name)
        built = self._built

        class _UI:
            def __getattr__(self, dashboard: str) -> Any:
                function = getattr(ml.ui, dashboard)

                def call(*args: Any, **kwargs: Any) -> Any:
                    from ipywidgets.widgets import widget as registry

                    before = set(registry._instances)
                    result = function(*args, **kwargs)
                    if hasattr(result, "model_id"):
                        built.append((dashboard, result, set(registry._instances) - before))
                    return result

                return call

        return _UI()


@contextlib.contextmanager
def built_dashboards() -> Iterator[dict[str, Any]]:
    """Every dashboard the course notebooks build, built once by running their ``ml.ui`` cells as the notebooks do
    (charts are drawn as a 1×1 PNG: pixels are no text, and drawing them would take most of the time)."""
    import matplotlib.figure

    built: list[tuple[str, Any, set[str]]] = []
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(io.StringIO()):
        patch.setattr(matplotlib.figure.Figure, "savefig",
                      lambda self, target, *a, **k: target.write(_TINY_PNG))
        for notebook, source in _notebook_calls():
            tree = ast.parse(source)
            tree.body = [node for node in tree.body if not (isinstance(node, ast.Import)
                                                            and node.names[0].name == "microloan_sim")]
            exec(compile(tree, notebook, "exec"), {"ml": _Recorder(built), "__name__": "__notebook__"})
        with_box: dict[str, tuple[Any, set[str]]] = {}
        fixed_texts: list[str] = []
        for name, root, owned in built:
            classes = [set(getattr(w, "_dom_classes", ())) for w in walk(root)]
            if any("ml-variant" in c for c in classes):
                with_box.setdefault(name, (root, owned))   # one per dashboard: the case picker goes through all
            else:
                fixed_texts.extend(widget_texts(root, owned))
        yield {"with_box": with_box, "fixed": numbers_shown(fixed_texts),
               "names": sorted({name for name, _, _ in built}), "cache": {}}


@pytest.fixture(scope="module")
def course_dashboards() -> Iterator[dict[str, Any]]:
    with built_dashboards() as dashboards:
        yield dashboards


def dashboard_numbers(dashboards: dict[str, Any], pairs: list[tuple[str, str]]) -> None:
    """Fill ``dashboards["cache"][(learner, case)]`` with the numbers every learner-box dashboard shows with that
    learner id typed and that case picked (every tab shown). Pairs are visited case by case, so each dashboard
    updates about once per pair."""
    import ipywidgets as widgets

    cache = dashboards["cache"]
    todo = sorted({pair for pair in pairs if pair not in cache}, key=lambda pair: (pair[1], pair[0]))
    texts: dict[tuple[str, str], list[str]] = {pair: [] for pair in todo}
    with contextlib.redirect_stdout(io.StringIO()):
        for root, owned in dashboards["with_box"].values():
            tree = list(walk(root))
            picker = next((w for w in tree if "ml-case" in getattr(w, "_dom_classes", ())), None)  # 06: a county
            box = next(w for w in tree if "ml-variant" in getattr(w, "_dom_classes", ()))
            tabs = [w for w in tree if isinstance(w, (widgets.Tab, widgets.Accordion))]
            for learner, case_id in todo:
                if picker is not None:
                    picker.value = case_id  # a change of either box updates the dashboard
                box.value = learner
                for tab in tabs:
                    for index in range(len(tab.children)):
                        tab.selected_index = index      # tabs draw their content when shown; drawn content stays
                texts[(learner, case_id)].extend(widget_texts(root, owned))
                for tab in tabs:
                    tab.selected_index = 0
    for pair, collected in texts.items():
        cache[pair] = numbers_shown(collected)


def reads_the_borrower(exercise: Any) -> bool:
    """Whether an exercise's answers come from its borrower's records and documents (the case documents are shown,
    or, ex02, the documents are in its briefing). The others (ex05 products, ex07 offer and contract, ex08 loan
    file, ex09 portfolio figures) draw their material from the seed alone, which no 学员编号 box draws. ex12's
    county is drawn from the seed too, and the 06 dashboards' 学员编号 box draws a county, so it is checked there."""
    return exercise.spec.show_case_documents or exercise.id == "ex02" or exercise.spec.case_view == "marketing_tools"


def _cases_to_check(learner: str, variant_of: Callable[[str, str], Any]) -> list[str]:
    """The learner's own borrower in every exercise built on one (a graded number derived from a case's records can
    only come from that case's dashboards); for 学员01 every case of the casebook."""
    if learner == "学员01":
        return sorted(ml.casebook.list_cases()["id"])
    return sorted({exercise.case_id(variant_of(exercise.id, learner)) for exercise in ml.exercises.all_exercises()
                   if reads_the_borrower(exercise)})




def find_leaks(dashboards: dict[str, Any], learners: list[str],
               variant_of: Callable[[str, str], Any]) -> list[tuple[str, str, str, str, float]]:
    found = []
    pairs = [(learner, case_id) for learner in learners for case_id in _cases_to_check(learner, variant_of)]
    dashboard_numbers(dashboards, pairs)
    borrower_based = {exercise.id for exercise in ml.exercises.all_exercises() if reads_the_borrower(exercise)}
    for learner in learners:
        graded = graded_numbers(learner, variant_of)
        # every exercise's answers against every dashboard without a 学员编号 box
        # (ex05's product to compute is the branch's own version, its rate and fee drawn from the seed, so the
        # catalogue comparators of 05a-05c never show its IRR)
        for exercise_id, item_id, value in leaks(dashboards["fixed"], graded):
            found.append((learner, "（无学员编号的仪表板）", exercise_id, item_id, value))
        # the borrower-based answers against the dashboards with the learner's id typed, on each of their cases
        # (seed-drawn material matching a number of a borrower's records could only be chance: ex09's 23.15, the
        # effective number of loans, was once found among C09's 2-decimal figures)
        mine = [entry for entry in graded if entry[0] in borrower_based]
        for case_id in _cases_to_check(learner, variant_of):
            for exercise_id, item_id, value in leaks(dashboards["cache"][(learner, case_id)], mine):
                found.append((learner, case_id, exercise_id, item_id, value))
    return found


def test_the_leak_test_sees_the_dashboards_with_a_learner_box(course_dashboards: dict[str, Any]) -> None:
    assert set(course_dashboards["with_box"]) == {"offsite_explorer", "case_browser", "crosscheck_explorer",
                                                  "statement_explorer", "sizing_calculator", "informal_debt_cap",
                                                  "aml_explorer", "marketing_planner", "strategy_comparison",
                                                  "county_map", "core_shock_explorer", "village_rating_explorer"}
    assert len(course_dashboards["names"]) >= 25 and len(course_dashboards["fixed"]) > 100


def test_the_old_seeding_leaks_graded_answers(course_dashboards: dict[str, Any]) -> None:
    """main's behaviour: an exercise's variant was the learner id itself (``seed_for(id)``, the dashboards' seed).
    The detector must catch that, in several exercises, for every learner tried."""
    learners = ["学员02", "学员03", "学员04"]
    found = find_leaks(course_dashboards, learners, lambda exercise_id, learner: learner)
    assert {learner for learner, *_ in found} == set(learners)
    assert {(exercise_id, item_id) for _, _, exercise_id, item_id, _ in found} >= {
        ("ex01", "total_assets"), ("ex01", "equity"), ("ex04", "monthly_disposable")}


def test_no_dashboard_shows_a_learners_graded_answers(course_dashboards: dict[str, Any]) -> None:
    """20 learners, every exercise: every dashboard with a 学员编号 box (the learner's id typed, the case picker on
    each of the learner's exam borrowers, and on every case for 学员01), every other course dashboard as built."""
    learners = [f"学员{n:02d}" for n in range(1, 21)]
    # half the learners in a second process (spawned, so it builds its own dashboards): the two cores share the work
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        other_half = pool.submit(_leaks_on_fresh_dashboards, learners[1::2])
        found = find_leaks(course_dashboards, learners[0::2], _exam_variant) + other_half.result()
    assert not found, found[:20]


def _exam_variant(exercise_id: str, learner: str) -> Any:
    return exam_variant(exercise_id, learner, KEY)


def _leaks_on_fresh_dashboards(learners: list[str]) -> list[tuple[str, str, str, str, float]]:
    """:func:`find_leaks` of ``learners`` with the exam variants, on dashboards built in this process."""
    with built_dashboards() as dashboards:
        return find_leaks(dashboards, learners, _exam_variant)
