"""``microloan classroom`` without starting a hub: the roster, the read-only authorizer, the learner
servers' configuration and the command's refusals (tests/test_classroom_hub.py runs the real hub)."""
from __future__ import annotations

import shutil
import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from microloan_sim import classroom, cli
from microloan_sim.errors import InputError


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding=encoding)
    return path


def test_roster_reads_chinese_or_english_headers_and_excel_bom(tmp_path: Path) -> None:
    roster = classroom.read_roster(write(tmp_path, "账号,初始密码,角色\nLearner01 ,pass-0001,学员\nteacher,pass-9999,讲师\n",
                                         encoding="utf-8-sig"))
    assert [(e.username, e.password, e.role) for e in roster] == [
        ("learner01", "pass-0001", "learner"), ("teacher", "pass-9999", "instructor")]
    english = classroom.read_roster(write(tmp_path, "username,password,role\nx1,secret1,instructor\n"))
    assert english[0].role == "instructor"


@pytest.mark.parametrize(("text", "message"), [
    ("账号,角色\nx,学员\n", "缺少“初始密码”列"),
    ("账号,初始密码,角色\n学员一,pass-0001,学员\nt,pass-9999,讲师\n", "第 2 行：账号“学员一”只能用小写字母"),
    ("账号,初始密码,角色\nl1,123,学员\nt,pass-9999,讲师\n", "第 2 行：初始密码至少 6 个字符"),
    ("账号,初始密码,角色\nl1,pass-0001,校长\nt,pass-9999,讲师\n", "角色应为“学员”或“讲师”"),
    ("账号,初始密码,角色\nl1,pass-0001,学员\nL1,pass-0002,学员\nt,pass-9999,讲师\n", "第 3 行：账号“l1”重复"),
    ("账号,初始密码,角色\nl1,pass-0001,学员\n", "至少需要一名讲师"),
    ("", "花名册是空的"),
])
def test_a_bad_roster_is_refused_in_chinese(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as error:
        classroom.read_roster(write(tmp_path, text))
    assert "roster.csv" in str(error.value)


def test_passwords_are_kept_only_as_salted_hashes() -> None:
    first, second = classroom.hash_password("pass-0001"), classroom.hash_password("pass-0001")
    assert first != second and "pass-0001" not in first  # salted
    assert classroom.check_password("pass-0001", first) and not classroom.check_password("pass-0001 ", first)


def handler(path: str) -> SimpleNamespace:
    return SimpleNamespace(request=SimpleNamespace(path=path))


@pytest.mark.parametrize(("action", "resource", "path", "allowed"), [
    ("read", "contents", "/user/l1/api/contents/course", True),
    ("read", "kernels", "/user/l1/api/kernels/abc", True),
    ("execute", "kernels", "/user/l1/api/kernels/abc/channels", True),
    ("write", "kernels", "/user/l1/api/kernels", False),            # create, restart, interrupt, delete
    ("write", "contents", "/user/l1/api/contents/x.ipynb", False),   # upload or edit a notebook
    ("write", "sessions", "/user/l1/api/sessions", False),
    ("execute", "terminals", "/user/l1/terminals/websocket/1", False),
    ("execute", "kernels", "/user/l1/api/kernels/abc/execute", False),
])
def test_the_read_only_authorizer(action: str, resource: str, path: str, allowed: bool) -> None:
    authorizer = classroom.ReadOnlyAuthorizer()
    assert authorizer.is_authorized(handler(path), None, action, resource) is allowed


def test_learner_servers_run_voila_only_with_kernels_culled_and_no_execution(tmp_path: Path) -> None:
    config = classroom.singleuser_config(tmp_path, cull_idle_timeout=90, cull_interval=20)
    extensions = config["ServerApp"]["jpserver_extensions"]
    assert extensions["voila.server_extension"] and not extensions["jupyterlab"]
    assert not extensions["jupyter_server_terminals"] and config["ServerApp"]["terminals_enabled"] is False
    assert config["ServerApp"]["authorizer_class"] == "microloan_sim.classroom.ReadOnlyAuthorizer"
    kernels = config["MappingKernelManager"]
    assert (kernels["cull_idle_timeout"], kernels["cull_interval"], kernels["cull_connected"]) == (90, 20, False)
    assert "execute_request" not in kernels["allowed_message_types"]
    assert config["KernelManager"]["transport"] == "ipc"
    assert config["VoilaConfiguration"]["show_tracebacks"] is False


def test_classroom_setup_serves_learners_without_the_instructor_files(tmp_path: Path) -> None:
    roster = write(tmp_path, "账号,初始密码,角色\nl1,pass-0001,学员\nt,pass-9999,讲师\n")
    command, env, roots = cli.classroom_setup(roster, state_dir=tmp_path / "state", data=tmp_path / "data")
    try:
        assert command[1:3] == ["-m", "jupyterhub"]
        learner, instructor = roots
        assert not list(learner.rglob("*instructor*")) and list(instructor.rglob("*instructor*"))
        written = json.loads((tmp_path / "state" / "singleuser-learner" / "jupyter_server_config.json").read_text("utf-8"))
        assert written["ServerApp"]["root_dir"] == str(learner)
        settings = json.loads((tmp_path / "state" / "classroom.json").read_text("utf-8"))
        assert settings["data_dir"] == str((tmp_path / "data").resolve()) and "pass-0001" not in json.dumps(settings)
    finally:
        for root in roots:
            shutil.rmtree(root)


def test_classroom_refuses_a_missing_roster(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["classroom", "--roster", str(tmp_path / "none.csv"), "--state-dir", str(tmp_path / "s")]) == 2
    assert "无法读取花名册" in capsys.readouterr().err


def test_exercise_notebooks_say_the_login_is_the_learner_id_in_class() -> None:
    """Under the hub the forms show the login and ask nothing (tests/test_classroom_hub.py): no exercise
    notebook may tell a logged-in learner to type an id without saying that in class the id is the login."""
    repo = Path(__file__).resolve().parents[1]
    checked = 0
    for notebook in sorted((repo / "exercises").glob("ex*.ipynb")) + sorted((repo / "course").glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            text = "".join(cell["source"])
            if cell["cell_type"] == "markdown" and re.search(r"(填写|输入)(你的|自己的)?(\*\*)?学员编号", text):
                checked += 1
                assert "登录" in text, f"{notebook.name}: asks for the learner id without the login case"
    assert checked >= 9  # ex01-ex09 all explain it
