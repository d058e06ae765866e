"""``microloan classroom`` for real (issue 16, items 3 and 7): a JupyterHub on loopback with
configurable-http-proxy, started exactly as the command starts it, two learners and an instructor logging
in through Chromium.

Each learner submits ex01 and the gradebook attributes it to their login; a learner cannot reach another
learner's server, create a kernel, write a file, open a session, execute code over their page's kernel
websocket, or open the instructor dashboard. Everything stays on 127.0.0.1.

``microloan serve``'s two guards (microloan_sim/voila_app.py) do not run under the hub, where Voila is a
server extension; the hub has its equivalents, tested here: a request with a foreign ``Host`` (a DNS-rebinding
page) carries none of the hub's cookies, which browsers bind to the host name, so it gets the login redirect
or a 403 and never a page or a kernel; and the per-address kernel cap becomes a cap per login
(``CappedKernelManager`` in every learner's server, answered with a Chinese page). The running learner server
is also checked against deploy/kubernetes/values.yaml: same command, same configuration.
"""
from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psutil
import pytest
import yaml

import microloan_sim as ml
from microloan_sim.cli import classroom_setup

from .browser_support import free_port, loopback_only

pytestmark = [pytest.mark.browser, pytest.mark.slow]
EX01 = "exercises/ex01_报表重构.ipynb"
ROSTER = {"learner01": ("pass-0001", "学员"), "learner02": ("pass-0002", "学员"), "learner03": ("pass-0003", "学员"),
          "teacher": ("pass-9999", "讲师")}
#: The kernel cap per login for this hub (the default, 10 pages, would make the test open 11 pages).
CAP = 3
VALUES = Path(__file__).resolve().parents[1] / "deploy" / "kubernetes" / "values.yaml"


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if shutil.which("configurable-http-proxy") is None:
        pytest.skip("configurable-http-proxy not installed (make test installs it from npm)")
    folder = tmp_path_factory.mktemp("classroom")
    roster = folder / "roster.csv"
    roster.write_text("账号,初始密码,角色\n" + "".join(f"{u},{p},{r}\n" for u, (p, r) in ROSTER.items()),
                      encoding="utf-8")
    port = free_port()
    data = folder / "data"
    command, env, roots = classroom_setup(roster, state_dir=folder / "state", port=port, data=data, max_kernels=CAP)
    env.pop("MICROLOAN_DB_URL", None)
    log = open(folder / "hub.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(command, env=env, cwd=folder / "state", stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"JupyterHub exited early ({process.returncode}); see {folder / 'hub.log'}")
            try:
                with urllib.request.urlopen(f"{base}hub/login", timeout=5):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise RuntimeError("JupyterHub did not start within 120 s") from None
                time.sleep(0.5)
        yield {"base": base, "data": data, "log": folder / "hub.log"}
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the hub stops the learner servers and the proxy it started
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()
        for root in roots:
            shutil.rmtree(root, ignore_errors=True)


def log_in(browser: Any, base: str, username: str) -> Any:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1600})
    page = context.new_page()
    page.set_default_timeout(180_000)
    loopback_only(page)
    page.goto(f"{base}hub/login")
    assert "课堂登录" in page.locator("h1").first.inner_text()
    page.fill("#username_input", username)
    page.fill("#password_input", ROSTER[username][0])
    page.click("#login_submit")
    page.wait_for_load_state()
    return page


def wait_for_a_free_place(request: Any, base: str, user: str) -> None:
    """Earlier tests leave pages open without closing them (contexts closed, no unload); those kernels go by culling
    (90 s idle). Wait until ``user`` holds fewer pages than the cap, as a learner would after closing tabs."""
    start = time.monotonic()
    while len(request.get(f"{base}user/{user}/api/kernels").json()) >= CAP and time.monotonic() - start < 180:
        time.sleep(2)


def open_ex01(page: Any, base: str) -> str:
    page.goto(f"{base}hub/user-redirect/voila/render/{EX01}")
    page.locator(".ml-identity").first.wait_for()
    return str(page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"))


def test_the_login_page_refuses_a_wrong_password(hub: dict[str, Any], browser: Any) -> None:
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    loopback_only(page)
    page.goto(f"{hub['base']}hub/login")
    page.fill("#username_input", "learner01")
    page.fill("#password_input", "wrong-password")
    page.click("#login_submit")
    assert "账号或密码不正确" in page.locator(".login_error").first.inner_text()
    context.close()


def test_each_learner_submits_ex01_under_their_own_login(hub: dict[str, Any], browser: Any) -> None:
    base = hub["base"]
    for learner in ("learner01", "learner02"):
        page = log_in(browser, base, learner)
        open_ex01(page, base)
        identity = page.locator(".ml-identity").first.inner_text()
        assert learner in identity and not page.locator(".ml-learner input").count()  # shown, never asked
        # the learner's exam variant under the class's course key (created by the kernel on first use)
        key = ml.exercises.get("ex01").expected(
            ml.gradebook.exam_variant("ex01", learner, ml.gradebook.course_key(hub["data"])))
        page.locator(".ml-answer-equity input").first.fill(f"{key['equity']:,.0f}")
        page.locator(".ml-submit button, button.ml-submit").first.click()
        page.locator(".ml-feedback").first.wait_for()
        assert "正确" in page.locator(".ml-feedback").first.inner_text()
        page.context.close()
    with ml.gradebook.Gradebook(data_dir=hub["data"]) as book:
        table = book.overview()
    assert sorted(table["learner_id"]) == ["learner01", "learner02"]
    assert set(table["exercise_id"]) == {"ex01"} and (table["best_score"] > 0).all()

    teacher = log_in(browser, base, "teacher")
    teacher.goto(f"{base}hub/user-redirect/voila/render/exercises/instructor_成绩册.ipynb")
    teacher.locator("text=learner02").first.wait_for()
    assert "learner01" in teacher.content()
    teacher.context.close()


def test_a_learner_cannot_reach_beyond_their_own_pages(hub: dict[str, Any], browser: Any, tmp_path: Path) -> None:
    base = hub["base"]
    other = log_in(browser, base, "learner02")
    other_kernel = open_ex01(other, base)
    page = log_in(browser, base, "learner01")
    kernel = open_ex01(page, base)
    own = f"{base}user/learner01/"
    xsrf = next(c["value"] for c in page.context.cookies() if c["name"] == "_xsrf" and "learner01" in c["path"])
    headers = {"X-XSRFToken": xsrf, "Content-Type": "application/json"}
    request = page.context.request

    # another learner's server, and their kernel
    assert request.get(f"{base}user/learner02/voila/render/{EX01}").status == 403
    assert request.get(f"{base}user/learner02/api/kernels/{other_kernel}").status == 403
    # no kernel, session, file or terminal of one's own making
    assert request.post(f"{own}api/kernels", headers=headers, data="{}").status == 403
    assert request.post(f"{own}api/sessions", headers=headers,
                        data='{"path": "x.ipynb", "type": "notebook", "kernel": {"name": "python3"}}').status == 403
    assert request.put(f"{own}api/contents/course/x.ipynb", headers=headers,
                       data='{"type": "file", "format": "text", "content": "x"}').status == 403
    assert request.post(f"{own}api/kernels/{kernel}/restart", headers=headers).status == 403
    assert request.post(f"{own}api/terminals", headers=headers).status in (403, 404)
    assert request.get(f"{own}lab").status == 404
    # no instructor dashboard in a learner's server
    assert request.get(f"{own}voila/render/exercises/instructor_成绩册.ipynb").status == 404

    # the page's own kernel websocket answers widget-level messages but drops code execution
    marker = tmp_path / "executed.txt"
    replies = page.evaluate(
        """async ([url, code]) => {
            const ws = new WebSocket(url);
            const seen = [];
            ws.onmessage = (event) => { seen.push(JSON.parse(event.data).msg_type); };
            await new Promise((resolve) => { ws.onopen = resolve; });
            const message = (id, type, content) => JSON.stringify({
                header: {msg_id: id, msg_type: type, username: "", session: "probe", version: "5.3",
                         date: new Date().toISOString()},
                parent_header: {}, metadata: {}, content: content, channel: "shell", buffers: []});
            ws.send(message("probe-exec", "execute_request", {code: code, silent: false, store_history: false,
                    user_expressions: {}, allow_stdin: false, stop_on_error: true}));
            ws.send(message("probe-info", "kernel_info_request", {}));
            await new Promise((resolve) => setTimeout(resolve, 5000));
            ws.close();
            return seen;
        }""",
        [f"ws://127.0.0.1:{base.rsplit(':', 1)[1].strip('/')}/user/learner01/api/kernels/{kernel}/channels"
         "?session_id=probe", f"open({str(marker)!r}, 'w').write('ran')"])
    assert "kernel_info_reply" in replies  # the websocket works ...
    assert "execute_reply" not in replies and "execute_input" not in replies  # ... and execution is dropped
    assert not marker.exists()
    # control: the same XSRF header passes where the learner may act (the page's own shutdown call), so the
    # 403s above came from the read-only authorizer, not from a missing token
    assert request.post(f"{own}voila/api/shutdown/{kernel}", headers=headers).status == 204
    page.context.close()
    other.context.close()


def test_a_closed_page_frees_its_kernel_under_the_hub_too(hub: dict[str, Any], browser: Any) -> None:
    base = hub["base"]
    page = log_in(browser, base, "learner01")
    request = page.context.request
    wait_for_a_free_place(request, base, "learner01")
    kernel = open_ex01(page, base)
    own = f"{base}user/learner01/api/kernels/{kernel}"
    assert request.get(own).status == 200
    process = next(p for p in psutil.process_iter(["cmdline"])
                   if any(f"kernel-{kernel}.json" in part for part in (p.info["cmdline"] or [])))
    env = process.environ()   # the kernel knows its learner, not the learner server's hub token
    assert env["JUPYTERHUB_USER"] == "learner01"
    assert not {"JUPYTERHUB_API_TOKEN", "JPY_API_TOKEN"} & set(env)
    page.close(run_before_unload=True)  # the page's own shutdown call, through the hub's proxy
    start = time.monotonic()
    while request.get(own).status == 200 and time.monotonic() - start < 60:
        time.sleep(0.5)
    freed_after = time.monotonic() - start
    assert request.get(own).status == 404, "the closed page's kernel is still running"
    print(f"hub: closed page's kernel freed after {freed_after:.1f} s")
    page.context.close()


def test_a_foreign_host_name_gets_no_page_and_no_kernel(hub: dict[str, Any], browser: Any) -> None:
    """What a DNS-rebinding page can send: the hub's address under a foreign name, and no cookie of the hub."""
    base = hub["base"]
    log_in(browser, base, "learner01").context.close()  # learner01's server is running
    port = int(base.rsplit(":", 1)[1].strip("/"))
    for path in (f"/user/learner01/voila/render/{EX01}", "/user/learner01/api/kernels", "/hub/home",
                 f"/hub/user-redirect/voila/render/{EX01}"):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", quote(path), headers={"Host": "evil.example"})
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        connection.close()
        assert response.status in (302, 403), (path, response.status)
        assert "jupyter-config-data" not in body and "kernelId" not in body
        if response.status == 302:  # to the login (the hub's or the server's OAuth step), never a page
            assert re.search(r"/hub/(login|api/oauth2/authorize)", response.getheader("Location", "")), path


def test_one_login_holds_at_most_the_cap_of_pages(hub: dict[str, Any], browser: Any) -> None:
    base = hub["base"]
    page = log_in(browser, base, "learner03")
    request = page.context.request
    own = f"{base}user/learner03/"
    page_url = f"{own}voila/render/course/00_导学.ipynb"
    page.goto(f"{base}hub/user-redirect/voila/render/course/00_导学.ipynb")  # starts learner03's server
    page.wait_for_function("document.getElementById('jupyter-config-data') !== null")

    def kernels() -> list[str]:
        listing = request.get(f"{own}api/kernels")
        assert listing.status == 200, (listing.status, listing.text()[:300])
        return [k["id"] for k in listing.json()]

    opened = [request.get(page_url) for _ in range(CAP - len(kernels()))]
    assert all(r.status == 200 for r in opened) and len(kernels()) == CAP
    refused = request.get(page_url)
    assert refused.status == 429
    text = refused.text()
    assert f"已达上限（{CAP} 个）" in text and "Too Many" not in text and "Traceback" not in text
    assert len(kernels()) == CAP  # the refused page started no kernel
    # closing one page (its own shutdown call) makes room again
    xsrf = next(c["value"] for c in page.context.cookies() if c["name"] == "_xsrf" and "learner03" in c["path"])
    assert request.post(f"{own}voila/api/shutdown/{kernels()[0]}", headers={"X-XSRFToken": xsrf}).status == 204
    assert request.get(page_url).status == 200
    # the cap is per login: another learner still opens pages
    other = log_in(browser, base, "learner02")
    wait_for_a_free_place(other.context.request, base, "learner02")
    assert other.context.request.get(f"{base}user/learner02/voila/render/course/00_导学.ipynb").status == 200
    other.context.close()
    for kernel in kernels():
        request.post(f"{own}voila/api/shutdown/{kernel}", headers={"X-XSRFToken": xsrf})
    page.context.close()


def test_the_running_learner_server_is_the_one_the_kubernetes_values_describe(hub: dict[str, Any],
                                                                                browser: Any) -> None:
    log_in(browser, hub["base"], "learner01").context.close()
    values = yaml.safe_load(VALUES.read_text(encoding="utf-8"))["singleuser"]
    servers = []
    for process in psutil.process_iter(["cmdline"]):
        cmdline = process.info["cmdline"] or []
        try:
            if cmdline[1:] == values["cmd"][1:] and process.environ().get("JUPYTERHUB_USER") == "learner01":
                servers.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    assert len(servers) == 1, "learner01's server was not found by its command line"
    server = servers[0]
    assert server.cmdline() == [sys.executable, *values["cmd"][1:]]
    env = server.environ()
    assert env["MICROLOAN_ROLE"] == "learner"
    running = json.loads((Path(env["JUPYTER_CONFIG_DIR"]) / "jupyter_server_config.json").read_text("utf-8"))
    described = values["extraFiles"]["microloan-learner-config"]["data"]
    for config in (running, described):
        del config["ServerApp"]["root_dir"], config["ServerApp"]["allow_root"]
    described["CappedKernelManager"]["max_kernels"] = CAP  # this hub's cap, set for the test above
    assert running == described
