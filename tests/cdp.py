"""A headless Chromium driven over the Chrome DevTools Protocol, for the browser tests.

Just enough of the protocol to load pages, read the DOM through JavaScript, click links and collect
everything the browser reports as an error (console errors, uncaught exceptions, failed loads). It
needs only Debian's `chromium` and the `websocket-client` package: no driver binary, no network.
"""
from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.request import urlopen

import pytest
import websocket

MIN_WINDOW = 500  # headless Chromium keeps windows at least this wide; narrower screens are emulated
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
         "--remote-allow-origins=*", "--remote-debugging-port=0",
         "--disable-features=BackForwardCache")  # so that history.back() loads the page again


def chromium_path() -> str | None:
    """Debian's chromium (or chromium-browser), if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def chromium() -> str:
    """The chromium to run; a browser test without one fails (it does not skip), naming what to install."""
    path = chromium_path()
    if path is None:
        pytest.fail("chromium is missing: the browser tests need Debian's chromium (make browser, which make test runs)",
                    pytrace=False)
    return path


class Browser:
    """One headless Chromium with one tab, its viewport `width` × `height` CSS pixels; use as a context manager.

    Below MIN_WINDOW a phone is emulated (device metrics and `mobile`), so that a page really lays out at, say,
    390 px; `open` then checks that the page sees the width asked for. (A phone's layout viewport widens to what
    overflows, so there `innerWidth` is that width and a page wider than the screen fails to open.)"""

    def __init__(self, width: int = 1280, height: int = 900, lang: str = "de-DE", timeout: float = 30):
        executable = chromium()
        self.profile = Path(tempfile.mkdtemp(prefix="mpsc-chromium-"))
        self.timeout = timeout
        self.errors: list[str] = []
        self._next_id = 0
        self.process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self.profile}", f"--window-size={width},{height}",
             "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.ws = websocket.create_connection(self._page_socket(), timeout=timeout)
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")
        # headless Chromium ignores --lang for Accept-Language; the protocol sets it reliably
        agent = self.call("Browser.getVersion")["userAgent"]
        self.call("Network.setUserAgentOverride", userAgent=agent, acceptLanguage=lang)
        self.width, self.emulated = width, width < MIN_WINDOW
        if self.emulated:
            self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=2, mobile=True)

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _page_socket(self) -> str:
        """The DevTools websocket of the first tab (the port is in DevToolsActivePort once Chromium is up)."""
        deadline = time.monotonic() + self.timeout
        port_file = self.profile / "DevToolsActivePort"
        while time.monotonic() < deadline:
            if port_file.exists() and port_file.read_text().strip():
                port = port_file.read_text().split()[0]
                targets = json.load(urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5))
                pages = [t for t in targets if t["type"] == "page"]
                if pages:
                    return pages[0]["webSocketDebuggerUrl"]
            time.sleep(0.1)
        raise RuntimeError("chromium did not open its DevTools port")

    def call(self, method: str, **params) -> dict:
        """Send one command and return its result, recording events that arrive meanwhile."""
        self._next_id += 1
        self.ws.send(json.dumps({"id": self._next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self._record(message)

    def _record(self, event: dict) -> None:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.errors.append(" ".join(str(a.get("value", a.get("description"))) for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            self.errors.append(params["exceptionDetails"].get("text", "exception"))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            self.errors.append(f"{params['entry'].get('text')} {params['entry'].get('url', '')}".strip())

    def wait_for(self, event: str) -> None:
        """Read events until `event` arrives."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            message = json.loads(self.ws.recv())
            self._record(message)
            if message.get("method") == event:
                return
        raise TimeoutError(event)

    def open(self, url: str) -> None:
        """Load a page and wait until it has loaded."""
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")
        if self.emulated:
            seen = self.evaluate("window.innerWidth")
            assert seen == self.width, (f"{url} lays out {seen} px wide on a {self.width} px screen: something is wider "
                                        "than the screen (or the page lacks a viewport meta tag)")

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the page."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"].get("text"))
        return result["result"].get("value")

    def until(self, expression: str, timeout_ms: int = 10_000):
        """The first truthy value of a JavaScript expression, checked on every animation frame: for what a
        page's script does after it loaded (a completion list, a lint mark), without sleeping."""
        result = self.call("Runtime.evaluate", awaitPromise=True, returnByValue=True, expression=f"""
            new Promise((resolve, reject) => {{
              const end = performance.now() + {timeout_ms};
              const check = () => {{
                const value = ({expression});
                if (value) resolve(value);
                else if (performance.now() > end) reject(new Error("timed out: " + {json.dumps(expression)}));
                else requestAnimationFrame(check);
              }};
              check();
            }})""")
        if "exceptionDetails" in result:
            raise TimeoutError(result["exceptionDetails"].get("exception", {}).get("description", expression))
        return result["result"].get("value")

    def press(self, key: str, code: int, modifiers: int = 0) -> None:
        """Press and release a key in the focused element (modifiers: 2 is Ctrl)."""
        for kind in ("keyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", type=kind, key=key, code=key, windowsVirtualKeyCode=code,
                      modifiers=modifiers)

    def type(self, text: str) -> None:
        """Type text into the focused element, as a keyboard would insert it."""
        self.call("Input.insertText", text=text)

    def follow(self, selector: str) -> None:
        """Click the link matching a CSS selector and wait for the next page."""
        self.evaluate(f"document.querySelector({json.dumps(selector)}).click()")
        self.wait_for("Page.loadEventFired")

    def back(self) -> None:
        # Deferred, so the evaluation has answered before the page goes: a navigation that starts while
        # Runtime.evaluate is pending fails it ("Inspected target navigated"), which happened under load.
        self.call("Runtime.evaluate", expression="setTimeout(() => history.back(), 0)")
        self.wait_for("Page.loadEventFired")

    def screenshot(self, path: Path) -> None:
        Path(path).write_bytes(base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"]))

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            shutil.rmtree(self.profile, ignore_errors=True)
