"""Gradebook: storage on real SQLite files (and the same tests on a real PostgreSQL server), receipts and their import, instructor queries, exports, CLI, serve.

Most tests grade with a small stand-in exercise (``fx01``) whose answers are easy to reason about; the
tests marked "real ex01" go through :mod:`microloan_sim.exercises`.
"""
from __future__ import annotations

import shutil
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

import microloan_sim as ml
from microloan_sim import cli, gradebook, serving
from microloan_sim.casebook import seed_for
from microloan_sim.gradebook import exam_variant
from microloan_sim.errors import InputError
from microloan_sim.gradebook import Gradebook

REPO = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- a stand-in exercise

@dataclass(frozen=True)
class FakeItem:
    item_id: str
    label: str
    status: str
    points: float
    max_points: float
    hint: str
    given: Any


@dataclass(frozen=True)
class FakeResult:
    exercise_id: str
    variant: int | None
    items: list[FakeItem]

    @property
    def score(self) -> float:
        return round(sum(item.points for item in self.items), 2)

    @property
    def max_score(self) -> float:
        return round(sum(item.max_points for item in self.items), 2)


class FakeExercise:
    """fx01: ``a`` = 100 + seed % 10 (exact ±1 → 10 points, within 5 % → 7), ``b`` = "甲", ``c`` free text."""

    id = "fx01"
    title = "测试练习"

    @staticmethod
    def expected_a(variant: int | str | None) -> float:
        return 100.0 + (0 if variant is None else seed_for(variant) % 10)

    def grade(self, answers: dict[str, Any], variant: int | str | None) -> FakeResult:
        if not isinstance(answers, dict):
            raise InputError("答案应为键值表", field="answers")
        seed = None if variant is None else seed_for(variant)
        expected = self.expected_a(seed)
        a, b, c = answers.get("a"), answers.get("b"), answers.get("c")
        try:
            number = None if a is None else float(a)
        except ValueError:
            number = float("nan")  # text in a number field: wrong
        if number is None:
            first = FakeItem("a", "甲项（元）", "missing", 0, 10, "请填写甲项", a)
        elif abs(number - expected) <= 1:
            first = FakeItem("a", "甲项（元）", "correct", 10, 10, "", a)
        elif abs(number - expected) <= 0.05 * expected:
            first = FakeItem("a", "甲项（元）", "within_tolerance", 7, 10, "接近", a)
        else:
            first = FakeItem("a", "甲项（元）", "wrong", 0, 10, "回想甲项的定义", a)
        second = FakeItem("b", "乙项", "correct" if b == "甲" else ("missing" if b is None else "wrong"),
                          10 if b == "甲" else 0, 10, "" if b == "甲" else "再读题", b)
        third = FakeItem("c", "分析意见", "manual" if c else "missing", 0, 10, "" if c else "请写意见", c)
        return FakeResult("fx01", seed, [first, second, third])


class FakeRegistry:
    def get(self, exercise_id: str) -> FakeExercise:
        if exercise_id != "fx01":
            raise InputError(f"没有编号为“{exercise_id}”的练习", field="练习编号")
        return FakeExercise()


def right(learner: str, key: bytes, *, text: str | None = None) -> dict[str, Any]:
    """Right answers on the learner's exam variant under the gradebook's course key (what submit grades on)."""
    answers: dict[str, Any] = {"a": FakeExercise.expected_a(exam_variant("fx01", learner, key)), "b": "甲"}
    if text is not None:
        answers["c"] = text
    return answers


@pytest.fixture(params=["sqlite", "postgresql"])
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Iterator[Gradebook]:
    """A fresh gradebook on a SQLite file, and again on a real PostgreSQL database (tests/postgres_support.py)."""
    monkeypatch.delenv("MICROLOAN_COURSE_KEY", raising=False)
    monkeypatch.delenv("MICROLOAN_DB_URL", raising=False)
    monkeypatch.setenv("MICROLOAN_DATA_DIR", str(tmp_path / "data"))
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    with Gradebook(url, data_dir=tmp_path / "data", registry=FakeRegistry()) as opened:
        yield opened


@pytest.fixture
def default_book_cleanup() -> Iterator[None]:
    yield
    for opened in gradebook._DEFAULT.values():
        opened.close()
    gradebook._DEFAULT.clear()


def is_normal_learner_id(text: str) -> bool:
    """Whether ``text`` is accepted as a learner id and is already in its normal form."""
    try:
        return gradebook.normalize_learner_id(text) == text
    except InputError:
        return False


def book_rows(book: Gradebook, table: str = "submissions") -> int:
    """Rows in one of the gradebook's tables, whatever its database."""
    with book.engine.connect() as connection:
        return int(connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one())


def count_rows(database: Path, table: str = "submissions") -> int:
    connection = sqlite3.connect(database)
    try:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        connection.close()


# --------------------------------------------------------------------------- storage

def test_every_attempt_is_a_new_row(book: Gradebook) -> None:
    first = book.submit("学员-01", "fx01", {"a": 1})
    second = book.submit("学员-01", "fx01", right("学员-01", book.key))
    third = book.submit("学员-01", "fx01", {"a": 1, "b": "乙"})
    assert [first.attempt, second.attempt, third.attempt] == [1, 2, 3]
    assert len({first.id, second.id, third.id}) == 3
    assert book_rows(book) == 3
    row = book.overview().iloc[0]
    assert (row["attempts"], row["best_score"], row["latest_score"], row["max_score"]) == (3, 20.0, 0.0, 30.0)
    assert row["exercise_title"] == "测试练习"
    attempts = book.learner_attempts("学员-01")
    assert [a.score for a in attempts] == [0.0, 20.0, 0.0]
    assert attempts[1].variant == exam_variant("fx01", "学员-01", book.key) != seed_for("学员-01")
    assert attempts[1].submitted_at.tzinfo is not None
    assert attempts[0].items[0]["status"] == "wrong" and attempts[0].items[0]["hint"] == "回想甲项的定义"


@pytest.mark.parametrize("book", ["sqlite"], indirect=True)
def test_sqlite_file_runs_in_wal_mode(book: Gradebook) -> None:
    book.submit("学员-01", "fx01", {"a": 1})
    connection = sqlite3.connect(book.data_dir / "gradebook.sqlite")
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        connection.close()


def test_answers_are_stored_as_json_safe_values(book: Gradebook) -> None:
    book.submit("学员-01", "fx01", {"a": np.float64(100.0), "b": "甲", "c": float("nan")})
    attempt = book.learner_attempts("学员-01")[0]
    assert attempt.answers == {"a": 100.0, "b": "甲", "c": None}
    assert type(attempt.answers["a"]) is float


@pytest.mark.parametrize(("learner", "message"), [("", "学员编号：不能为空"), ("  ", "学员编号：不能为空"),
                                                  (7, "学员编号：应为文字"), ("a\x00b", "控制字符")])
def test_bad_learner_ids_are_refused(book: Gradebook, learner: Any, message: str) -> None:
    with pytest.raises(InputError, match=message):
        book.submit(learner, "fx01", {"a": 1})


def test_unknown_exercise_is_refused(book: Gradebook) -> None:
    with pytest.raises(InputError, match="没有编号为“zz”的练习"):
        book.submit("学员-01", "zz", {"a": 1})


def test_database_url_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MICROLOAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MICROLOAN_DB_URL", f"sqlite:///{tmp_path / 'elsewhere' / 'class.db'}")
    with Gradebook(registry=FakeRegistry()) as opened:
        opened.submit("学员-01", "fx01", {"a": 1})
        assert opened.data_dir == (tmp_path / "data").resolve()
    assert count_rows(tmp_path / "elsewhere" / "class.db") == 1
    assert (tmp_path / "data" / "receipts").is_dir()
    monkeypatch.setenv("MICROLOAN_DB_URL", "not a url")
    with pytest.raises(InputError, match="MICROLOAN_DB_URL：无法识别的数据库地址"):
        Gradebook()


def test_default_data_dir_is_git_ignored_and_outside_served_folders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MICROLOAN_DATA_DIR", raising=False)
    default = gradebook.data_dir()
    assert default == REPO / "microloan-data"
    assert "microloan-data/" in (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    for folder in serving.SERVED_FOLDERS:
        assert not str(default).startswith(str(REPO / folder))


# --------------------------------------------------------------------------- locking and retries

def test_a_locked_database_is_retried_until_free(tmp_path: Path) -> None:
    with Gradebook(data_dir=tmp_path, registry=FakeRegistry(), busy_timeout_ms=20) as opened:
        blocker = sqlite3.connect(tmp_path / "gradebook.sqlite", isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another kernel holding the write lock
        outcome: dict[str, Any] = {}
        worker = threading.Thread(target=lambda: outcome.update(s=opened.submit("学员-01", "fx01", {"a": 1})))
        worker.start()
        time.sleep(1.0)
        blocker.execute("COMMIT")
        blocker.close()
        worker.join(timeout=60)
        assert outcome["s"].attempt == 1
        assert opened.lock_retries >= 1
    assert count_rows(tmp_path / "gradebook.sqlite") == 1


def test_a_write_that_stays_locked_keeps_the_receipt(tmp_path: Path) -> None:
    with Gradebook(data_dir=tmp_path, registry=FakeRegistry(), busy_timeout_ms=10, retry_seconds=0.2) as opened:
        blocker = sqlite3.connect(tmp_path / "gradebook.sqlite", isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(InputError, match="本次提交已保存为回执"):
                opened.submit("学员-01", "fx01", right("学员-01", opened.key))
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        assert count_rows(tmp_path / "gradebook.sqlite") == 0
        summary = opened.import_receipts([opened.receipts_dir])
        assert len(summary.imported) == 1 and not summary.rejected
        assert opened.overview().iloc[0]["best_score"] == 20.0


def test_a_receipt_that_cannot_be_written_does_not_lose_the_submission(book: Gradebook) -> None:
    book.receipts_dir.parent.mkdir(parents=True, exist_ok=True)
    book.receipts_dir.write_text("a file where the receipts folder should be", encoding="utf-8")
    submission = book.submit("学员-01", "fx01", right("学员-01", book.key))
    assert not submission.receipt_saved and "回执未能保存" in submission.confirmation()
    assert book.learner_attempts("学员-01")[0].score == 20.0


# --------------------------------------------------------------------------- receipts

def test_receipt_holds_everything_needed_to_regrade(book: Gradebook) -> None:
    submission = book.submit("学员-01", "fx01", {"a": 3, "b": "甲"})
    receipt = json.loads(submission.receipt_path.read_text(encoding="utf-8"))
    assert submission.receipt_path.parent == book.data_dir / "receipts" / "学员-01"
    assert {"exercise_id", "learner_id", "variant", "answers", "score", "app_version", "submitted_at",
            "digest"} <= set(receipt)
    assert (receipt["exercise_id"], receipt["learner_id"], receipt["variant"]) == ("fx01", "学员-01",
                                                                                   exam_variant("fx01", "学员-01", book.key))
    assert receipt["answers"] == {"a": 3, "b": "甲"} and receipt["score"] == 10.0
    assert receipt["app_version"] == ml.__version__ and receipt["submitted_at"].endswith("+00:00")
    key_file = book.data_dir / "course.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert gradebook._sign(receipt, key_file.read_text(encoding="ascii").strip().encode()) == receipt["digest"]


def test_learner_ids_become_safe_folder_names(book: Gradebook) -> None:
    path = book.submit("../../etc/passwd", "fx01", {"a": 1}).receipt_path
    assert path.resolve().is_relative_to(book.receipts_dir.resolve())
    other = book.submit("___etc_passwd", "fx01", {"a": 1}).receipt_path
    assert path.parent != other.parent


def resign(path: Path, data: dict[str, Any], key: bytes) -> None:
    data["digest"] = gradebook._sign(data, key)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_import_regrades_and_ignores_a_forged_score(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MICROLOAN_COURSE_KEY", "课堂密钥-2025")
    with Gradebook(data_dir=tmp_path / "laptop", registry=FakeRegistry()) as laptop:
        path = laptop.submit("学员-01", "fx01", {"a": 1, "b": "乙"}).receipt_path
    data = json.loads(path.read_text(encoding="utf-8"))
    data["score"] = 30.0  # a learner who has the key can re-sign: the digest passes, the score is still not trusted
    resign(path, data, "课堂密钥-2025".encode())
    with Gradebook(data_dir=tmp_path / "class", registry=FakeRegistry()) as book:
        summary = book.import_receipts([path])
        assert not summary.rejected and len(summary.imported) == 1
        imported = summary.imported[0]
        assert (imported.score, imported.claimed_score, imported.score_changed) == (0.0, 30.0, True)
        assert summary.changed == [imported]
        attempt = book.learner_attempts("学员-01")[0]
        assert (attempt.score, attempt.claimed_score, attempt.source) == (0.0, 30.0, "receipt")
        assert "回执上为 30，重新评分为 0" in str(summary)


def write_receipts(tmp_path: Path) -> tuple[Path, dict[str, Any], bytes]:
    """One good receipt written by a dashboard submission; returns its path, its JSON and the course key."""
    with Gradebook(data_dir=tmp_path / "laptop", registry=FakeRegistry()) as laptop:
        path = laptop.submit("学员-09", "fx01", right("学员-09", laptop.key)).receipt_path
        key = laptop.key
    return path, json.loads(path.read_text(encoding="utf-8")), key


def _break(kind: str, data: dict[str, Any], key: bytes, target: Path) -> None:
    if kind == "malformed":
        target.write_text('{"exercise_id": "fx01", ', encoding="utf-8")
        return
    if kind == "not_utf8":
        target.write_bytes("{\"学员编号\": \"张三\"}".encode("gb18030"))
        return
    if kind == "not_object":
        target.write_text("[1, 2]", encoding="utf-8")
        return
    if kind == "missing_answers":
        del data["answers"]
    elif kind == "variant_text":
        data["variant"] = "abc"
    elif kind == "score_text":
        data["score"] = "30"
    elif kind == "answers_list":
        data["answers"] = [1, 2]
    elif kind == "unknown_exercise":
        data["exercise_id"] = "zz99"
    elif kind == "bad_time":
        data["submitted_at"] = "昨天"
    if kind == "tampered":
        data["answers"]["a"] = 1  # changed after signing
        target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    else:
        resign(target, data, key)  # signed with the real key: the problem is the content, not the digest


@pytest.mark.parametrize(("kind", "expected"), [
    ("malformed", "不是有效的 JSON（第 1 行"),
    ("not_utf8", "文件不是 UTF-8 编码"),
    ("not_object", "内容应为键值表"),
    ("missing_answers", "answers：缺少此字段"),
    ("variant_text", "variant：应为非负整数或 null（收到 'abc'）"),
    ("score_text", "score：应为数字（收到 '30'）"),
    ("answers_list", "answers：应为键值表"),
    ("unknown_exercise", "exercise_id：没有编号为“zz99”的练习"),
    ("bad_time", "submitted_at：时间格式不对"),
    ("tampered", "digest：回执已被修改"),
])
def test_bad_receipts_are_rejected_with_a_chinese_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        kind: str, expected: str) -> None:
    monkeypatch.setenv("MICROLOAN_COURSE_KEY", "课堂密钥")
    good, data, key = write_receipts(tmp_path)
    bad = tmp_path / "incoming" / f"{kind}.json"
    bad.parent.mkdir()
    _break(kind, data, key, bad)
    with Gradebook(data_dir=tmp_path / "class", registry=FakeRegistry()) as book:
        summary = book.import_receipts([bad, good])
        assert [r.file for r in summary.imported] == [str(good)]  # the other file still goes in
        assert len(summary.rejected) == 1
        reason = summary.rejected[0].reason
        assert reason.startswith(f"文件 {bad}：") and expected in reason, reason
        assert f"拒收：{reason}" in str(summary)
        assert len(book.all_attempts()) == 1


def test_receipt_signed_with_another_course_key_is_rejected(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MICROLOAN_COURSE_KEY", raising=False)
    good, _data, _key = write_receipts(tmp_path)  # signed with the laptop's own key file
    with Gradebook(data_dir=tmp_path / "class", registry=FakeRegistry()) as book:
        summary = book.import_receipts([good])
    assert not summary.imported and "digest：回执已被修改" in summary.rejected[0].reason


def test_import_of_folders_skips_receipts_already_in_the_gradebook(book: Gradebook,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    for learner in ("甲", "乙", "丙"):
        book.submit(learner, "fx01", right(learner, book.key))
    again = book.import_receipts([book.receipts_dir])
    assert (len(again.imported), len(again.duplicates), len(again.rejected)) == (0, 3, 0)
    assert len(book.all_attempts()) == 3
    monkeypatch.setenv("MICROLOAN_COURSE_KEY", book.key.decode())  # the same course key on another machine
    with Gradebook(data_dir=book.data_dir / "copy", registry=FakeRegistry()) as other:
        first = other.import_receipts([book.receipts_dir])
        second = other.import_receipts([book.receipts_dir])
        assert (len(first.imported), len(second.imported), len(second.duplicates)) == (3, 0, 3)
        assert len(other.all_attempts()) == 3
    missing = book.import_receipts([book.data_dir / "nope"])
    assert "找不到文件或文件夹" in missing.rejected[0].reason


# --------------------------------------------------------------------------- queries

def test_learner_view_never_returns_another_learners_rows(book: Gradebook) -> None:
    tricky = ["甲", "甲%", "%1", "_a", "' OR '1'='1", "甲 乙", "A", "a"]
    ids: dict[str, list[int]] = {}
    for round_number in range(2):
        for learner in tricky:
            ids.setdefault(learner, []).append(book.submit(learner, "fx01", {"a": round_number}).id)
    for learner in tricky:
        view = book.learner_view(learner)
        attempts = view.attempts()
        assert {a.learner_id for a in attempts} == {learner}
        assert [a.submission_id for a in attempts] == ids[learner]
        assert set(view.summary()["learner_id"]) == {learner}
        foreign = next(i for other, found in ids.items() if other != learner for i in found)
        assert view.attempt(foreign) is None
        assert view.attempt(ids[learner][0]) is not None
        assert all(other not in view.report_html() for other in ("' OR", "甲%") if other != learner)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(learners=st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1,
                                 max_size=12).filter(is_normal_learner_id), min_size=2, max_size=5,
                         unique=True))
def test_learner_view_isolation_property(learners: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder, Gradebook(data_dir=folder, registry=FakeRegistry()) as opened:
        for learner in learners:
            opened.submit(learner, "fx01", {"a": 1})
        for learner in learners:
            assert [a.learner_id for a in opened.learner_view(learner).attempts()] == [learner]


def test_manual_scores_change_totals(book: Gradebook) -> None:
    submission = book.submit("学员-01", "fx01", right("学员-01", book.key, text="借款人现金流稳定"))
    attempt = book.learner_attempts("学员-01")[0]
    assert (attempt.score, attempt.pending_manual) == (20.0, 1)
    assert book.overview().iloc[0]["pending_manual"] == 1
    pending = book.pending_manual()
    assert list(pending["item_id"]) == ["c"] and bool(pending["is_latest"].iloc[0])

    scored = book.set_manual_score(submission.id, "c", 8, grader="王老师", note="理由充分，可再具体些")
    assert (scored.score, scored.manual_points, scored.pending_manual) == (28.0, 8.0, 0)
    assert book.overview().iloc[0]["best_score"] == 28.0
    assert book.pending_manual().empty
    rescored = book.set_manual_score(submission.id, "c", 10, grader="王老师")
    assert rescored.score == 30.0  # the latest score of an item counts
    assert book_rows(book, "manual_scores") == 2
    item = next(i for i in rescored.items if i["item_id"] == "c")
    assert (item["manual_points"], item["grader"], item["status"]) == (10.0, "王老师", "manual")
    difficulty = book.item_difficulty("fx01").set_index("item_id")
    assert difficulty.loc["c", "share_correct"] == 1.0

    with pytest.raises(InputError, match="得分：不能大于 10"):
        book.set_manual_score(submission.id, "c", 11, grader="王老师")
    with pytest.raises(InputError, match="得分：不能小于 0"):
        book.set_manual_score(submission.id, "c", -1, grader="王老师")
    with pytest.raises(InputError, match="得分：应为数字"):
        book.set_manual_score(submission.id, "c", "很好", grader="王老师")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="由系统自动评分"):
        book.set_manual_score(submission.id, "a", 5, grader="王老师")
    with pytest.raises(InputError, match="没有题目“zz”"):
        book.set_manual_score(submission.id, "zz", 5, grader="王老师")
    with pytest.raises(InputError, match="评分人：不能为空"):
        book.set_manual_score(submission.id, "c", 5, grader=" ")
    assert book.learner_attempts("学员-01")[0].score == 30.0


def test_item_difficulty_counts_within_tolerance_as_correct(book: Gradebook) -> None:
    for learner, a in (("甲", 0.0), ("乙", 0.0), ("丙", 0.0), ("丁", 0.0)):
        book.submit(learner, "fx01", {"a": a})  # everybody wrong at first
    book.submit("甲", "fx01", {"a": FakeExercise.expected_a(exam_variant("fx01", "甲", book.key)), "b": "甲"})  # correct
    book.submit("乙", "fx01", {"a": FakeExercise.expected_a(exam_variant("fx01", "乙", book.key)) * 1.03,
                              "b": "乙"})                                                              # within tolerance
    book.submit("丙", "fx01", {"b": "甲"})                                                  # a missing
    latest = book.item_difficulty().set_index("item_id")
    assert latest.loc["a", "judged"] == 4 and latest.loc["a", "correct"] == 2
    assert latest.loc["a", "share_correct"] == 0.5
    assert latest.loc["b", "share_correct"] == 0.5
    assert latest.loc["a", "label"] == "甲项（元）"
    every = book.item_difficulty(attempts="all").set_index("item_id")
    assert (every.loc["a", "judged"], every.loc["a", "correct"]) == (7, 2)
    with pytest.raises(InputError, match="attempts"):
        book.item_difficulty(attempts="best")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- exports

def fill(book: Gradebook) -> None:
    book.submit("甲", "fx01", {"a": 1})
    book.submit("甲", "fx01", right("甲", book.key, text="意见"))
    book.submit("乙", "fx01", {"b": "甲"})
    book.submit("=1+1", "fx01", {"b": "甲"})  # a learner id that a spreadsheet would run as a formula


def test_export_csv_has_one_row_per_learner_and_exercise(book: Gradebook, tmp_path: Path) -> None:
    fill(book)
    path = book.export(tmp_path / "out" / "成绩册.csv", format="csv")
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype={"学员编号": str})
    assert list(frame.columns[:5]) == ["学员编号", "练习编号", "练习名称", "提交次数", "最高得分"]
    assert sorted(frame["学员编号"]) == sorted(["'=1+1", "乙", "甲"])
    best = frame.set_index("学员编号")
    assert (best.loc["甲", "提交次数"], best.loc["甲", "最高得分"], best.loc["甲", "待讲师评分题数"]) == (2, 20.0, 1)
    assert best.loc["乙", "最高得分"] == 10.0 and best.loc["乙", "满分"] == 30.0


def test_export_xlsx_opens_with_openpyxl(book: Gradebook, tmp_path: Path) -> None:
    fill(book)
    path = book.export(tmp_path / "成绩册.xlsx", format="xlsx")
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["成绩册", "逐题得分", "题目难度"]
    summary = list(workbook["成绩册"].iter_rows(values_only=True))
    assert summary[0][:5] == ("学员编号", "练习编号", "练习名称", "提交次数", "最高得分")
    assert {row[0] for row in summary[1:]} == {"甲", "乙", "=1+1"}
    assert next(row for row in summary[1:] if row[0] == "甲")[4] == 20
    formula_cell = next(c for c in workbook["成绩册"]["A"] if c.value == "=1+1")
    assert formula_cell.data_type == "s"
    items = list(workbook["逐题得分"].iter_rows(values_only=True))
    assert items[0][:6] == ("学员编号", "练习编号", "提交编号", "题目编号", "题目", "结果")
    assert len(items) == 1 + 3 * 3  # best attempt of three learners × three items
    statuses = {(row[0], row[3]): row[5] for row in items[1:]}
    assert statuses[("甲", "a")] == "正确" and statuses[("甲", "c")] == "待讲师评分"
    assert statuses[("乙", "a")] == "未作答"
    difficulty = list(workbook["题目难度"].iter_rows(values_only=True))
    assert difficulty[0][:6] == ("练习编号", "题目编号", "题目", "已判题人次", "答对人次", "答对比例")
    workbook.close()
    read_back = pd.read_excel(path, sheet_name="成绩册")
    assert len(read_back) == 3


def test_export_refuses_an_unknown_format(book: Gradebook, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="格式：只支持 csv 或 xlsx"):
        book.export(tmp_path / "x.pdf", format="pdf")


def test_learner_report_is_self_contained_chinese_and_escaped(book: Gradebook) -> None:
    learner = "<script>alert(1)</script>"
    submission = book.submit(learner, "fx01", {"a": "<b>粗</b>", "c": "<img src=x onerror=alert(1)>"})
    book.set_manual_score(submission.id, "c", 4, grader="王老师", note="请写 <具体> 理由")
    book.submit(learner, "fx01", right(learner, book.key))
    report = book.learner_report_html(learner)
    assert report.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in report
    assert "<script" not in report and "<img" not in report and "<b>粗" not in report
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report and "&lt;具体&gt;" in report
    assert "学习反馈报告" in report and "第 2 次提交" in report and "讲师已评分" in report
    assert "http://" not in report and "https://" not in report and "<link" not in report
    assert "暂无提交记录" in book.learner_report_html("nobody")


# --------------------------------------------------------------------------- the real ex01

def test_record_attempt_is_the_form_recorder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             default_book_cleanup: None) -> None:
    monkeypatch.setenv("MICROLOAN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MICROLOAN_DB_URL", raising=False)
    from microloan_sim.ui.exercises import default_recorder

    recorder = default_recorder()
    assert recorder is gradebook.record_attempt
    exercise = ml.exercises.get("ex01")
    key = exercise.expected("学员-01")
    answers = {"equity": f"{key['equity']:,.0f}", "debt_ratio": "很多"}
    result = exercise.grade(answers, "学员-01")
    assert recorder("学员-01", answers, result) == "已记录（第 1 次提交）"
    assert recorder("学员-01", answers, result) == "已记录（第 1 次提交；重复点击只记一次）"
    changed = {**answers, "debt_ratio": "仍然很多"}
    assert recorder("学员-01", changed, exercise.grade(changed, "学员-01")) == "已记录（第 2 次提交）"
    attempts = gradebook.default_gradebook().learner_view("学员-01").attempts()
    assert [a.score for a in attempts] == [result.score, result.score] == [10.0, 10.0]
    assert attempts[0].exercise_title == "报表重构"
    assert len(list((tmp_path / "receipts").rglob("*.json"))) == 2


def test_import_regrades_real_ex01_receipts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MICROLOAN_COURSE_KEY", "课堂密钥")
    exercise = ml.exercises.get("ex01")
    key = exercise.expected(exam_variant("ex01", "学员-02", "课堂密钥".encode()))   # submit grades on the exam variant
    with Gradebook(data_dir=tmp_path / "laptop") as laptop:
        path = laptop.submit("学员-02", "ex01", {k: f"{v:.6f}" for k, v in key.items()}).receipt_path
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["score"] == 100.0
    data["answers"]["equity"] = "1"
    data["score"] = 100.0
    resign(path, data, "课堂密钥".encode())
    with Gradebook(data_dir=tmp_path / "class") as book:
        summary = book.import_receipts([path])
        assert summary.imported[0].score == 90.0 and summary.imported[0].claimed_score == 100.0
        item = next(i for i in book.learner_attempts("学员-02")[0].items if i["item_id"] == "equity")
        assert item["status"] == "wrong"


# --------------------------------------------------------------------------- CLI

def run_cli(*args: str, data: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "MICROLOAN_DATA_DIR": str(data), **env}
    environment.pop("MICROLOAN_DB_URL", None)
    return subprocess.run([sys.executable, "-m", "microloan_sim.cli", *args], capture_output=True, text=True,
                          timeout=120, env=environment)


def test_cli_import_export_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MICROLOAN_COURSE_KEY", "课堂密钥")
    exercise = ml.exercises.get("ex01")
    receipts = tmp_path / "usb"
    with Gradebook(data_dir=tmp_path / "laptops") as laptops:
        for number in range(3):
            learner = f"学员-{number:02d}"
            key = exercise.expected(exam_variant("ex01", learner, "课堂密钥".encode()))
            answers = {k: f"{v:.6f}" for k, v in list(key.items())[: 4 + number]}
            laptops.submit(learner, "ex01", answers)
    os.rename(tmp_path / "laptops" / "receipts", receipts)
    (receipts / "broken.json").write_text("{", encoding="utf-8")
    data = tmp_path / "class"

    imported = run_cli("gradebook", "import", str(receipts), data=data)
    assert imported.returncode == 1, imported.stderr  # one receipt was rejected
    lines = imported.stdout.splitlines()
    assert lines[0] == "已导入 3 份回执，拒收 1 份，已在成绩册中（跳过）0 份；重新评分后与回执分数不同 0 份。"
    assert lines[1].startswith("拒收：文件 ") and "broken.json：不是有效的 JSON" in lines[1]
    again = run_cli("gradebook", "import", *sorted(str(p) for p in receipts.rglob("学员*/*.json")), data=data)
    assert again.returncode == 0 and "已在成绩册中（跳过）3 份" in again.stdout

    exported = run_cli("gradebook", "export", "--format", "xlsx", "--output", str(tmp_path / "g.xlsx"), data=data)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.startswith("已导出成绩册（3 名学员，3 行，格式 xlsx）")
    rows = list(load_workbook(tmp_path / "g.xlsx")["成绩册"].iter_rows(values_only=True))
    assert sorted((r[0], r[4]) for r in rows[1:]) == [("学员-00", 40), ("学员-01", 50), ("学员-02", 60)]
    default_csv = run_cli("gradebook", "export", data=data)
    assert default_csv.returncode == 0
    written = next((data / "exports").glob("成绩册-*.csv"))
    assert str(written) in default_csv.stdout and len(pd.read_csv(written, encoding="utf-8-sig")) == 3

    report = run_cli("gradebook", "report", "学员-01", data=data)
    assert report.returncode == 0, report.stderr
    assert "已生成学员 学员-01 的反馈报告（1 次提交）" in report.stdout
    assert "学习反馈报告" in (data / "reports" / "学员-01.html").read_text(encoding="utf-8")
    out = tmp_path / "r.html"
    assert run_cli("gradebook", "report", "学员-02", "--output", str(out), data=data).returncode == 0
    assert "学员-02" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "message"), [
    (("gradebook", "report", "无此人"), "错误：学员编号：没有学员“无此人”的提交记录"),
    (("gradebook", "import", "{empty}"), "错误：没有找到回执文件（*.json）"),
    (("gradebook", "export", "--output", "{blocked}/x.csv"), "错误："),
])
def test_cli_errors_are_one_chinese_line(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "blocked").write_text("a file, not a folder", encoding="utf-8")
    filled = [a.format(empty=tmp_path / "empty", blocked=tmp_path / "blocked") for a in args]
    result = run_cli(*filled, data=tmp_path / "data")
    assert result.returncode == 2
    assert result.stderr.startswith(message) and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------- serve: learner vs instructor

def _notebook(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    notebook = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["# 你好"]}],
                "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
                "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(notebook), encoding="utf-8")


@pytest.fixture
def course_tree(tmp_path: Path) -> Path:
    source = tmp_path / "project"
    for name in ("course/00_导学.ipynb", "exercises/ex01_报表重构.ipynb", "exercises/instructor_成绩册.ipynb",
                 "casebook/casebook.ipynb"):
        _notebook(source / name)
    (source / "casebook" / "C01_便利店").mkdir()
    (source / "casebook" / "C01_便利店" / "case.yaml").write_text("id: C01\n", encoding="utf-8")
    (source / "casebook" / "C01_便利店" / "answer_key.yaml").write_text("flaws: []\n", encoding="utf-8")
    (source / "microloan_sim").mkdir()
    (source / "microloan_sim" / "secret.py").write_text("", encoding="utf-8")
    data = source / "microloan-data"
    (data / "receipts" / "甲").mkdir(parents=True)
    (data / "gradebook.sqlite").write_bytes(b"")
    return source


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if not p.is_dir()}


def test_learner_root_leaves_out_instructor_files_and_the_gradebook(course_tree: Path) -> None:
    data = course_tree / "microloan-data"
    learner = cli.build_served_root(course_tree, instructor=False, exclude=[data])
    instructor = cli.build_served_root(course_tree, instructor=True, exclude=[data])
    try:
        assert _files(learner) == {"course/00_导学.ipynb", "exercises/ex01_报表重构.ipynb",
                                   "casebook/casebook.ipynb", "casebook/C01_便利店/case.yaml"}
        assert _files(instructor) == _files(learner) | {"exercises/instructor_成绩册.ipynb",
                                                        "casebook/C01_便利店/answer_key.yaml"}
        for root in (learner, instructor):
            assert not any(root.rglob("*.sqlite")) and not any(root.rglob("receipts"))
            assert not (data.resolve().is_relative_to(root.resolve()))
            assert (root / "course" / "00_导学.ipynb").read_text(encoding="utf-8").startswith("{")
    finally:
        for root in (learner, instructor):
            shutil.rmtree(root)


def test_a_data_dir_inside_a_served_folder_is_still_left_out(course_tree: Path) -> None:
    data = course_tree / "course" / "class-data"
    (data / "receipts").mkdir(parents=True)
    (data / "receipt.json").write_text("{}", encoding="utf-8")
    root = cli.build_served_root(course_tree, instructor=True, exclude=[data])
    try:
        assert not (root / "course" / "class-data").exists()
    finally:
        shutil.rmtree(root)


def test_real_project_learner_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MICROLOAN_DATA_DIR", raising=False)
    root = cli.build_served_root(cli.project_root(), instructor=False, exclude=[gradebook.data_dir()])
    try:
        assert {p.name for p in root.iterdir()} <= set(serving.SERVED_FOLDERS)
        assert not [p for p in _files(root) if "instructor" in p.lower() or "answer_key" in p]
        command = cli.voila_command(root, port=8899)
        assert str(root) in command and str(cli.project_root()) not in command
        env = cli.serve_environment(gradebook.data_dir(), instructor=False)
        assert env["MICROLOAN_DATA_DIR"] == str(gradebook.data_dir()) and env["MICROLOAN_ROLE"] == "learner"
    finally:
        shutil.rmtree(root)


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@pytest.mark.slow
@pytest.mark.parametrize("instructor", [False, True])
def test_microloan_serve_modes(course_tree: Path, tmp_path: Path, instructor: bool) -> None:
    from .browser_support import free_port

    port = free_port()
    data = course_tree / "microloan-data"
    args = [sys.executable, "-m", "microloan_sim.cli", "serve", str(course_tree), f"--port={port}"]
    if instructor:
        args.append("--instructor")
    log = open(tmp_path / "serve.log", "w+", encoding="utf-8")
    process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, text=True,
                               env={**cli.jupyter_environment(), "MICROLOAN_DATA_DIR": str(data)})
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, (tmp_path / "serve.log").read_text(encoding="utf-8")
            try:
                with urllib.request.urlopen(base, timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert time.monotonic() < deadline, "Voila did not start"
                time.sleep(0.3)
        output = (tmp_path / "serve.log").read_text(encoding="utf-8")
        root = Path(next(line for line in output.splitlines() if line.startswith("服务目录：")).split("：", 1)[1])
        assert ("讲师模式" if instructor else "学员模式") in output
        assert root.is_dir() and not data.resolve().is_relative_to(root.resolve())
        instructor_page = f"{base}voila/render/exercises/{quote('instructor_成绩册.ipynb')}"
        assert _status(instructor_page) == (200 if instructor else 404)
        assert _status(f"{base}voila/render/exercises/{quote('ex01_报表重构.ipynb')}") == 200
        with urllib.request.urlopen(f"{base}voila/tree/exercises?classic-tree=true", timeout=30) as response:
            listing = response.read().decode("utf-8")
        assert "ex01_报表重构.ipynb" in listing and (("instructor_成绩册" in listing) is instructor)
        for path in ("microloan-data/gradebook.sqlite", "microloan-data/receipts", "microloan_sim/secret.py",
                     "casebook/C01_便利店/case.yaml"):
            for prefix in ("voila/files/", "voila/tree/", "voila/render/", "files/"):
                assert _status(f"{base}{prefix}{quote(path)}") in (403, 404), (prefix, path)
    finally:
        process.send_signal(signal.SIGTERM)  # the CLI stops Voila and removes its temporary root
        process.wait(timeout=60)
        log.close()
    assert not root.exists()
