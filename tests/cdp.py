"""A headless Chromium driven over the Chrome DevTools Protocol, for the browser tests.

Just enough of the protocol to load pages, read the DOM through JavaScript, click links and collect
everything the browser reports as an error (console errors, uncaught exceptions, failed loads). It
needs only Debian's `chromium` and the `websocket-client` package: no driver binary, no network.
"""
from __future__ import annotations

import atexit
import base64
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import websocket

MIN_WINDOW = 500  # narrower viewports are emulated as a phone (headless Chromium keeps windows at least this wide)
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


class Chromium:
    """One headless Chromium per test process, started on first use and ended when the process exits.

    Starting Chromium costs ~0.7 s of CPU (its processes' time in /proc/PID/stat around a start); each Browser is
    instead a tab in a browser context of its own (as a new incognito profile: its own cookies, storage and
    cache), which costs a tenth of that."""

    running: "Chromium | None" = None

    def __init__(self, executable: str, timeout: float):
        self.profile = Path(tempfile.mkdtemp(prefix="mpsc-chromium-"))
        self.process = subprocess.Popen([executable, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            self.port, path = self._devtools(timeout)
            self.control = Connection(f"ws://127.0.0.1:{self.port}{path}", timeout)
        except BaseException:
            self._end()
            raise
        atexit.register(self.close)

    @classmethod
    def shared(cls, executable: str, timeout: float) -> "Chromium":
        if cls.running is None or cls.running.process.poll() is not None:
            cls.running = cls(executable, timeout)
        return cls.running

    def _devtools(self, timeout: float) -> tuple[str, str]:
        """The DevTools port and the browser's websocket path (in DevToolsActivePort once Chromium is up)."""
        deadline = time.monotonic() + timeout
        port_file = self.profile / "DevToolsActivePort"
        while time.monotonic() < deadline:
            lines = port_file.read_text().split() if port_file.exists() else []
            if len(lines) == 2:
                return lines[0], lines[1]
            time.sleep(0.05)
        raise RuntimeError("chromium did not open its DevTools port")

    def open_tab(self) -> tuple[str, str]:
        """A new tab in a new browser context: (the context's id, the tab's DevTools websocket URL)."""
        context = self.control.call("Target.createBrowserContext")["browserContextId"]
        target = self.control.call("Target.createTarget", url="about:blank", browserContextId=context)["targetId"]
        return context, f"ws://127.0.0.1:{self.port}/devtools/page/{target}"

    def close_context(self, context: str) -> None:
        """Close a context with its tabs; a Chromium that has gone has nothing left to close."""
        if self.process.poll() is None:
            self.control.call("Target.disposeBrowserContext", browserContextId=context)

    def close(self) -> None:
        try:
            self.control.ws.close()
        finally:
            self._end()

    def _end(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


class Connection:
    """A DevTools websocket: commands and their results, and the events that arrive meanwhile (`on_event`)."""

    def __init__(self, url: str, timeout: float, on_event=lambda event: None):
        self.ws = websocket.create_connection(url, timeout=timeout)
        self.on_event, self._next_id = on_event, 0

    def call(self, method: str, **params) -> dict:
        """Send one command and return its result, passing events that arrive meanwhile to `on_event`."""
        self._next_id += 1
        self.ws.send(json.dumps({"id": self._next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.on_event(message)


class Browser:
    """One tab of the shared headless Chromium (`Chromium`), its viewport `width` × `height` CSS pixels; use as a
    context manager.

    The viewport is emulated (device metrics); below MIN_WINDOW as a phone (`mobile`), so that a page really lays
    out at, say, 390 px; `open` then checks that the page sees the width asked for. (A phone's layout viewport
    widens to what overflows, so there `innerWidth` is that width and a page wider than the screen fails to open.)"""

    def __init__(self, width: int = 1280, height: int = 900, lang: str = "de-DE", timeout: float = 30):
        self.chromium = Chromium.shared(chromium(), timeout)
        self.timeout = timeout
        self.errors: list[str] = []
        self.context, url = self.chromium.open_tab()
        self.connection = Connection(url, timeout, self._record)
        self.ws = self.connection.ws
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")
        # headless Chromium ignores --lang for Accept-Language; the protocol sets it reliably
        agent = self.call("Browser.getVersion")["userAgent"]
        self.call("Network.setUserAgentOverride", userAgent=agent, acceptLanguage=lang)
        self.width, self.emulated = width, width < MIN_WINDOW
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=2 if self.emulated else 1, mobile=self.emulated)

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def call(self, method: str, **params) -> dict:
        """Send one command and return its result, recording events that arrive meanwhile."""
        return self.connection.call(method, **params)

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
            self.chromium.close_context(self.context)
