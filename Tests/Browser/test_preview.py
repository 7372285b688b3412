"""`runbook preview` in a real browser (headless Chromium through Selenium).

Starts the preview server on a free port, opens the page, edits the notebook on disk and checks
what a person at the browser would see: the new output appears in place within a time budget,
the page is not reloaded and keeps its scroll position, an error shows inside its cell, a save
during a run leaves the page showing the newest version only, the server listens on 127.0.0.1
alone, and it stops cleanly on SIGTERM and SIGINT. Run by `make test` (`make setup` installs
chromium, chromium-driver and selenium).
"""

import os
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUNBOOK = os.path.join(ROOT, ".build", "release", "runbook")
BUDGET = 10.0  # seconds from a save to the updated page

PROSE = "\n\n".join(f"Paragraph {i} of prose that makes the page long enough to scroll." for i in range(60))


def notebook(message, extra=""):
    return f"""# Preview

{PROSE}

```swift runbook
//| label: greet
print("{message}")
```

```swift runbook
//| label: square
{extra}let squares = (1...5).map {{ $0 * $0 }}
print(squares)
```
"""


class PreviewTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        options = Options()
        for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,800"]:
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        cls.browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)

    @classmethod
    def tearDownClass(cls):
        cls.browser.quit()

    def setUp(self):
        self.folder = tempfile.mkdtemp(prefix="runbook-preview-")
        self.path = os.path.join(self.folder, "live.md")
        self.write(notebook("version 1"))
        self.server = subprocess.Popen(
            [RUNBOOK, "preview", "live.md", "--port", "0"], cwd=self.folder,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.server.stdout.readline()
        self.assertIn("http://127.0.0.1:", line)
        self.url = line.split()[1]
        self.port = int(self.url.rstrip("/").rsplit(":", 1)[1])

    def tearDown(self):
        if self.server.poll() is None:
            self.server.kill()
        self.server.wait()
        self.server.stdout.close()

    def write(self, text):
        # As an editor that saves through a new file renamed over the old one.
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, self.path)

    def page_text(self):
        return self.browser.execute_script("return document.querySelector('main').innerText")

    def wait_for(self, predicate, budget=BUDGET):
        start = time.monotonic()
        while time.monotonic() - start < budget:
            if predicate():
                return time.monotonic() - start
            time.sleep(0.05)
        self.fail(f"not within {budget} s; page:\n{self.page_text()[-1500:]}")

    def open_page(self):
        self.browser.get(self.url)
        self.wait_for(lambda: "version 1" in self.page_text() and "Up to date" in self.page_text())

    def test_a_save_updates_the_page_in_place_and_keeps_the_scroll(self):
        self.open_page()
        self.browser.execute_script("window.scrollTo(0, 900); window.notReloaded = true")
        time.sleep(0.3)
        self.write(notebook("version 2"))
        latency = self.wait_for(lambda: "version 2" in self.page_text() and "Up to date" in self.page_text())
        print(f"\nsave to updated page: {latency:.2f} s")
        self.assertTrue(self.browser.execute_script("return window.notReloaded === true"), "the page was reloaded")
        self.assertAlmostEqual(self.browser.execute_script("return window.scrollY"), 900, delta=5)
        self.assertNotIn("version 1", self.page_text())
        errors = [e for e in self.browser.get_log("browser") if e["level"] == "SEVERE"]
        self.assertEqual(errors, [])

    def test_an_error_shows_in_its_cell(self):
        self.open_page()
        self.write(notebook("version 3", extra="let broken = undefinedName\n"))
        self.wait_for(lambda: "Stopped with an error in cell 2" in self.page_text())
        error = self.browser.execute_script(
            "var e = document.querySelector('#square .error'); return e ? e.innerText : ''")
        self.assertIn("live.md:", error)
        self.assertIn("undefinedName", error)
        self.assertIn("version 3", self.page_text())

    def test_a_save_during_a_run_shows_only_the_newest_version(self):
        self.open_page()
        slow = 'print("started")\nvar n = 0.0\nfor i in 0..<3000000 { n += 1 }\n'
        self.write(notebook("slow A", extra=slow))
        self.wait_for(lambda: "Running cell 2" in self.page_text())
        # The running cell shows a spinner and what it printed so far; the next cells wait.
        self.wait_for(lambda: self.browser.execute_script(
            "var c = document.getElementById('square');"
            "return !!c.querySelector('.spinner') && c.querySelector('.live-output').textContent === 'started\\n'"))
        self.write(notebook("quick B"))
        self.wait_for(lambda: "quick B" in self.page_text() and "Up to date" in self.page_text(), budget=30)
        time.sleep(1.0)  # nothing from the stopped run arrives afterwards
        text = self.page_text()
        self.assertIn("quick B", text)
        self.assertNotIn("slow A", text)
        self.assertIn("[1, 4, 9, 16, 25]", text)

    def test_manual_mode_runs_only_on_the_button(self):
        self.server.kill()
        self.server.wait()
        self.server.stdout.close()
        self.server = subprocess.Popen(
            [RUNBOOK, "preview", "live.md", "--port", "0", "--manual"], cwd=self.folder,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.url = self.server.stdout.readline().split()[1]
        self.open_page()  # the first run happens at start
        self.write(notebook("version 2"))
        self.wait_for(lambda: "changed on disk" in self.page_text())
        time.sleep(1.0)
        self.assertIn("version 1", self.page_text())  # not run on the save
        self.browser.find_element("id", "run-button").click()
        self.wait_for(lambda: "version 2" in self.page_text() and "Up to date" in self.page_text())

    def test_it_listens_on_loopback_only_and_stops_on_signals(self):
        listening = set()
        with open("/proc/net/tcp") as f:
            for row in f.readlines()[1:]:
                local, state = row.split()[1], row.split()[3]
                if state == "0A" and int(local.split(":")[1], 16) == self.port:
                    listening.add(local.split(":")[0])
        self.assertEqual(listening, {"0100007F"})  # 127.0.0.1, nothing else
        with open("/proc/net/tcp6") as f:
            self.assertFalse(any(
                row.split()[3] == "0A" and int(row.split()[1].split(":")[1], 16) == self.port
                for row in f.readlines()[1:]))
        for other in socket.gethostbyname_ex(socket.gethostname())[2]:
            if not other.startswith("127."):
                with self.assertRaises(OSError):
                    socket.create_connection((other, self.port), timeout=1)
        self.server.send_signal(signal.SIGTERM)
        self.assertEqual(self.server.wait(timeout=5), 0)
        with self.assertRaises(OSError):
            socket.create_connection(("127.0.0.1", self.port), timeout=1)

    def test_ctrl_c_during_a_run_stops_the_server(self):
        self.write(notebook("slow", extra="var n = 0.0\nfor i in 0..<30000000 { n += 1 }\n"))
        time.sleep(1.0)
        self.server.send_signal(signal.SIGINT)
        self.assertEqual(self.server.wait(timeout=5), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
