"""Server hardening of ``microloan serve`` (issue 16, item 6): foreign Host headers are refused (DNS
rebinding), one client cannot hold more than a few kernels, and the instructor's view never listens
beyond this machine.

Every request goes to 127.0.0.1; the foreign host only appears in a forged ``Host`` header.
"""
from __future__ import annotations

import http.client
import json
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from microloan_sim import cli

PROBE = "hardening/probe.ipynb"


@pytest.fixture(scope="module")
def capped_voila(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from .browser_support import voila_server

    folder = tmp_path_factory.mktemp("hardening")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("x = 1")]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, folder / "probe.ipynb")
    with voila_server(log=folder / "voila.log", extra={PROBE: folder / "probe.ipynb"},
                      max_kernels_per_client=2) as base:
        yield base


def request(base: str, path: str, *, host: str | None = None, method: str = "GET",
            headers: dict[str, str] | None = None) -> tuple[int, str, http.client.HTTPResponse]:
    url = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection("127.0.0.1", url.port, timeout=120)
    all_headers = {"Host": host or url.netloc, **(headers or {})}
    connection.request(method, urllib.parse.quote(path), headers=all_headers)
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, body, response


def kernel_id_of(page: str) -> str:
    config = re.search(r'<script id="jupyter-config-data" type="application/json">\s*(\{.*?\})\s*</script>',
                       page, re.S)
    assert config, "no page config in the rendered page"
    return str(json.loads(config.group(1))["kernelId"])


@pytest.mark.slow
@pytest.mark.parametrize("host", ["evil.example", "evil.example:8866", "127.0.0.1.evil.example", "localhost.evil"])
def test_a_foreign_host_header_is_refused_everywhere(capped_voila: str, host: str) -> None:
    for path in ("/", "/voila/tree/", f"/voila/render/{PROBE}", "/voila/static/voila.js",
                 "/api/kernels/00000000-0000-0000-0000-000000000000"):
        status, body, _ = request(capped_voila, path, host=host)
        assert status == 403, (path, status)
        assert "拒绝访问" in body and "Traceback" not in body
    # the widget state travels over the kernel websocket: its upgrade is refused the same way
    status, _, _ = request(capped_voila, "/api/kernels/00000000-0000-0000-0000-000000000000/channels", host=host,
                           headers={"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
                                    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
    assert status == 403


@pytest.mark.slow
def test_this_servers_own_names_are_answered(capped_voila: str) -> None:
    port = urllib.parse.urlsplit(capped_voila).port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", f"192.168.1.20:{port}"):
        status, _, _ = request(capped_voila, "/voila/tree/", host=host)
        assert status == 200, host


@pytest.mark.slow
def test_one_client_holds_at_most_the_capped_number_of_kernels(capped_voila: str) -> None:
    first = [request(capped_voila, f"/voila/render/{PROBE}") for _ in range(2)]
    assert [status for status, _, _ in first] == [200, 200]
    kernels = [kernel_id_of(body) for _, body, _ in first]
    status, body, _ = request(capped_voila, f"/voila/render/{PROBE}")
    assert status == 429 and "上限（2 个）" in body and "jupyter-config-data" not in body
    # the other pages still work (no kernel needed) ...
    assert request(capped_voila, "/voila/tree/")[0] == 200
    # ... and closing a page (its shutdown call, with the XSRF cookie the tree page sets) makes room again
    _, _, tree = request(capped_voila, "/voila/tree/")
    cookie = next(c for c in tree.headers.get_all("Set-Cookie") or [] if c.startswith("_xsrf="))
    token = cookie.split(";")[0].split("=", 1)[1]
    status, _, _ = request(capped_voila, f"/voila/api/shutdown/{kernels[0]}", method="POST",
                           headers={"Cookie": f"_xsrf={token}", "X-XSRFToken": token})
    assert status == 204
    status, body, _ = request(capped_voila, f"/voila/render/{PROBE}")
    assert status == 200
    kernels[0] = kernel_id_of(body)
    for kernel in kernels:
        request(capped_voila, f"/voila/api/shutdown/{kernel}", method="POST",
                headers={"Cookie": f"_xsrf={token}", "X-XSRFToken": token})


@pytest.mark.slow
def test_a_burst_from_one_client_cannot_slip_past_the_cap(capped_voila: str) -> None:
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=5) as pool:
        answers = list(pool.map(lambda _: request(capped_voila, f"/voila/render/{PROBE}"), range(5)))
    statuses = sorted(status for status, _, _ in answers)
    assert statuses == [200, 200, 429, 429, 429], statuses
    _, _, tree = request(capped_voila, "/voila/tree/")
    token = next(c for c in tree.headers.get_all("Set-Cookie") or [] if c.startswith("_xsrf=")).split(";")[0][6:]
    for status, body, _ in answers:
        if status == 200:
            assert request(capped_voila, f"/voila/api/shutdown/{kernel_id_of(body)}", method="POST",
                           headers={"Cookie": f"_xsrf={token}", "X-XSRFToken": token})[0] == 204
    # a page that fails without starting a kernel does not keep its place
    for _ in range(3):
        assert request(capped_voila, "/voila/render/hardening/no_such.ipynb")[0] == 404
    assert request(capped_voila, f"/voila/render/{PROBE}")[0] == 200


@pytest.mark.parametrize("ip", ["0.0.0.0", "192.168.1.5", "::"])
def test_instructor_mode_is_refused_beyond_this_machine(ip: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "--ip", ip, "--instructor"]) == 2
    err = capsys.readouterr().err
    assert "讲师模式只能在本机访问" in err and "Traceback" not in err


def test_readme_says_what_listening_on_the_lan_exposes() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("--ip 0.0.0.0 会开放什么"):]
    assert "不需要登录" in section[:800] and "讲师" in section[:800]
