"""The HTML export in a real headless Chromium, driven through chromedriver's W3C WebDriver HTTP API.

The page of the graph around Huawei (built from the shared articles) must render one element per node,
find a node by name and by alias, show a clicked node's facts with their evidence sentences, filter by
type, and make no network request. A page of hostile strings must render them as text only.

Chromium and chromedriver come from the Debian packages `chromium` and `chromium-driver` (listed in
`.ci/apt-packages`); nothing is installed at run time.
"""
from __future__ import annotations

import base64
import json
import shutil
import socket
import struct
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.export.html import page
from kg.export.select import Selection, Subgraph, select
from kg.projection import MENTIONS, OBSERVATION_OF
from tests.test_export import HOSTILE, constructed_store  # noqa: F401 - fixtures

CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1500,900"]
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"  # the W3C key of a web element reference


class WebDriverError(RuntimeError):
    """A WebDriver command failed; the message is the driver's error and message."""


class WebDriver:
    """The few W3C WebDriver commands these tests need, over HTTP with the standard library."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self.session: str | None = None

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return json.load(resp)["value"]
        except urllib.error.HTTPError as e:
            value = json.load(e).get("value", {})
            raise WebDriverError(f"{value.get('error')}: {value.get('message', '')[:300]}") from None

    def _s(self, path: str) -> str:
        return f"/session/{self.session}{path}"

    def start(self, binary: str, user_data_dir: str) -> None:
        caps = {"browserName": "chrome", "goog:loggingPrefs": {"performance": "ALL", "browser": "ALL"},
                "goog:chromeOptions": {"binary": binary, "args": [*CHROME_FLAGS, f"--user-data-dir={user_data_dir}"]}}
        self.session = self._call("POST", "/session", {"capabilities": {"alwaysMatch": caps}})["sessionId"]

    def quit(self) -> None:
        if self.session:
            self._call("DELETE", self._s(""))
            self.session = None

    def get(self, url: str) -> None:
        self._call("POST", self._s("/url"), {"url": url})

    def execute(self, script: str, *args: Any) -> Any:
        return self._call("POST", self._s("/execute/sync"), {"script": script, "args": list(args)})

    def find(self, css: str) -> str:
        return self._call("POST", self._s("/element"), {"using": "css selector", "value": css})[ELEMENT]

    def find_all(self, css: str) -> list[str]:
        return [e[ELEMENT] for e in self._call("POST", self._s("/elements"), {"using": "css selector", "value": css})]

    def click(self, element: str) -> None:
        self._call("POST", self._s(f"/element/{element}/click"), {})

    def type(self, element: str, text: str) -> None:
        self._call("POST", self._s(f"/element/{element}/value"), {"text": text})

    def text(self, element: str) -> str:
        return self._call("GET", self._s(f"/element/{element}/text"))

    def attribute(self, element: str, name: str) -> str | None:
        return self._call("GET", self._s(f"/element/{element}/attribute/{name}"))

    def set_viewport(self, width: int, height: int) -> None:
        """Resize the window so that the page itself gets width x height CSS pixels."""
        extra_w, extra_h = self.execute("return [outerWidth - innerWidth, outerHeight - innerHeight]")
        self._call("POST", self._s("/window/rect"), {"width": width + extra_w, "height": height + extra_h})

    def screenshot(self) -> bytes:
        return base64.b64decode(self._call("GET", self._s("/screenshot")))

    def log(self, kind: str) -> list[dict[str, Any]]:
        return self._call("POST", self._s("/se/log"), {"type": kind})

    def wait(self, script: str, timeout: float = 30.0) -> Any:
        """Poll a script until it returns something truthy."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.execute(script)
            if value:
                return value
            if time.monotonic() > deadline:
                raise WebDriverError(f"timed out waiting for: {script}")
            time.sleep(0.1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    """One chromedriver and one headless Chromium session for the module."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_bin = shutil.which("chromedriver")
    if not binary or not driver_bin:
        pytest.fail("chromium and chromedriver are needed (Debian packages chromium, chromium-driver; "
                    "see .ci/apt-packages)", pytrace=False)
    port = _free_port()
    with tempfile.TemporaryDirectory() as profile, open(Path(profile).parent / f"chromedriver-{port}.log", "wb") as log:
        proc = subprocess.Popen([driver_bin, f"--port={port}"], stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
        driver = WebDriver(f"http://127.0.0.1:{port}")
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if driver._call("GET", "/status").get("ready"):
                        break
                except (urllib.error.URLError, ConnectionError):
                    pass
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("chromedriver did not start", pytrace=False)
                time.sleep(0.1)
            driver.start(binary, profile)
            driver.set_viewport(1500, 900)
            yield driver
        finally:
            try:
                driver.quit()
            except (WebDriverError, urllib.error.URLError):
                pass
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _open(browser: WebDriver, sub: Subgraph, path: Path, title: str | None = None) -> None:
    path.write_text(page(sub, title), encoding="utf-8")
    browser.log("performance")  # drain: what follows is this page's
    browser.get(path.resolve().as_uri())
    browser.wait("return document.documentElement.dataset.ready === 'true'")


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


# ------------------------------------------------------------------------------------------ the page --


@pytest.fixture(scope="module")
def huawei(real_store: Any) -> Subgraph:
    return select(real_store, Selection(around=("Huawei",), depth=2))


@pytest.fixture(scope="module")
def huawei_page(browser: WebDriver, huawei: Subgraph, tmp_path_factory: pytest.TempPathFactory) -> WebDriver:
    _open(browser, huawei, tmp_path_factory.mktemp("page") / "huawei.html")
    return browser


def test_every_node_and_edge_renders(huawei_page: WebDriver, huawei: Subgraph) -> None:
    b = huawei_page
    assert len(b.find_all("#graph .node")) == len(huawei.nodes) > 50
    assert len(b.find_all("#graph .edge")) == len(huawei.edges)
    assert b.execute("return [window.kgView.nodeCount, window.kgView.edgeCount]") == [len(huawei.nodes),
                                                                                    len(huawei.edges)]
    # Laid out inside the canvas: every circle has a position and a radius on screen.
    boxes = b.execute("""return Array.from(document.querySelectorAll('#graph .node circle'))
        .map(c => { const r = c.getBoundingClientRect(); return [r.width, r.height]; })""")
    assert all(w > 0 and h > 0 for w, h in boxes)
    assert b.text(b.find("#stats")) == f"{len(huawei.nodes)} nodes · {len(huawei.edges)} edges"


def test_search_finds_a_node_by_name_and_by_alias(huawei_page: WebDriver, huawei: Subgraph) -> None:
    b = huawei_page
    box = b.find("#search")
    b.type(box, "Huawei")
    first = b.find("#results li button")
    assert b.attribute(first, "data-key") == "huawei"
    assert b.text(b.find("#search-count")).endswith(("match", "matches"))
    assert "match" in (b.attribute(b.find('#graph .node[data-key="huawei"]'), "class") or "")
    b.type(box, "\ue00c")  # Escape clears the search
    assert b.execute("return document.querySelectorAll('#graph .node.match').length") == 0
    node = next(n for n in huawei.nodes if n.key == "huawei")
    alias = next(a for a in node.props["aliases"] if a.casefold() != "huawei")
    b.type(box, alias)
    assert b.attribute(b.find("#results li button"), "data-key") == "huawei"
    b.type(box, "\ue00c")


def _evidence_of(sub: Subgraph, key: str) -> set[str]:
    """The sentences the details panel of a node must show: its relations' and its observations'."""
    out = {e.props["evidence"] for e in sub.edges if key in (e.src, e.dst)
           and e.type not in (MENTIONS, OBSERVATION_OF) and e.props.get("evidence")}
    observations = {e.src for e in sub.edges if e.type == OBSERVATION_OF and e.dst == key}
    out |= {n.props["evidence"] for n in sub.nodes if n.key in observations and n.props.get("evidence")}
    return out


def test_clicking_a_node_shows_its_facts_and_evidence(huawei_page: WebDriver, huawei: Subgraph) -> None:
    b = huawei_page
    assert b.find_all("#details .hint")
    b.type(b.find("#search"), "Huawei")  # brings the node to the front, where a click reaches it
    b.click(b.find('#graph .node[data-key="huawei"] circle'))
    assert b.text(b.find("#details h2.entity")) == "Huawei"
    shown = b.execute("return Array.from(document.querySelectorAll('#details blockquote.evidence'))"
                      ".map(q => q.textContent)")
    expected = _evidence_of(huawei, "huawei")
    assert expected and set(shown) == expected
    facts = [e for e in huawei.edges if "huawei" in (e.src, e.dst) and e.type not in (MENTIONS, OBSERVATION_OF)]
    assert b.execute("return document.querySelector('#details h3').textContent") == f"Facts ({len(facts)})"
    assert "selected" in (b.attribute(b.find('#graph .node[data-key="huawei"]'), "class") or "")
    b.type(b.find("#search"), "\ue00c")
    assert _png_size(b.screenshot()) == (1500, 900)


def test_type_filter_hides_the_nodes_of_a_type(huawei_page: WebDriver, huawei: Subgraph) -> None:
    b = huawei_page
    companies = sum(1 for n in huawei.nodes if n.labels[0] == "Company")
    visible = "return document.querySelectorAll('#graph .node:not(.hidden)').length"
    b.click(b.find('#types input[data-type="Company"]'))
    assert b.execute(visible) == len(huawei.nodes) - companies > 0
    assert b.execute("return window.kgView.visibleNodes()") == len(huawei.nodes) - companies
    b.click(b.find('#types input[data-type="Company"]'))
    assert b.execute(visible) == len(huawei.nodes)


def test_the_page_makes_no_network_request(huawei_page: WebDriver) -> None:
    b = huawei_page
    assert b.execute("return performance.getEntriesByType('resource').length") == 0
    page_url = b.execute("return location.href")
    events = [json.loads(e["message"])["message"] for e in b.log("performance")]
    requests = [e["params"] for e in events if e["method"] == "Network.requestWillBeSent"]
    assert page_url in [r["request"]["url"] for r in requests]  # the log does see the page being loaded
    from_page = [r["request"]["url"] for r in requests if r.get("documentURL") == page_url]
    assert {u for u in from_page if not u.startswith("data:")} == {page_url}
    errors = [e for e in b.log("browser") if e.get("level") == "SEVERE"]
    assert errors == []


def test_hostile_text_stays_text(browser: WebDriver, constructed_store: Any, tmp_path: Path) -> None:  # noqa: F811
    sub = select(constructed_store, Selection(with_evidence=True))
    _open(browser, sub, tmp_path / "hostile.html", title='</title><script>alert(1)</script><img src="x">')
    assert len(browser.find_all("#graph .node")) == len(sub.nodes)
    assert browser.execute("return document.querySelectorAll('img, iframe, object').length") == 0
    assert browser.execute("return document.scripts.length") == 2  # the data block and the viewer
    assert browser.execute("return document.title") == '</title><script>alert(1)</script><img src="x">'
    browser.execute("window.kgView.select('baidu')")
    shown = browser.execute("return Array.from(document.querySelectorAll('#details blockquote.evidence'))"
                            ".map(q => q.textContent)")
    assert HOSTILE in shown
