"""Every committed report, and a sweep's comparison, in a real browser (headless Chromium).

Serves Output/ over HTTP and checks what a reader sees: no console error and no failed request
(a missing favicon was one), every figure loaded at twice its page size (sharp on high-density
screens), code at the size of its output, no sideways scrolling on a 390-pixel phone, the
animation replaced by its still image under prefers-reduced-motion and in print, and a printed
x2fit of a reasonable page count. Run by `make test` after the reports are checked.
"""

import base64
import functools
import http.server
import os
import re
import shutil
import subprocess
import tempfile
import threading
import unittest

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUNBOOK = os.path.join(ROOT, ".build", "release", "runbook")
OUTPUT = os.path.join(ROOT, "Output")
REPORTS = sorted(
    name for name in os.listdir(OUTPUT)
    if os.path.isfile(os.path.join(OUTPUT, name, "index.html")) and not name.startswith("."))


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(folder):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=folder))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


class ReportsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        options = Options()
        for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,800",
                    "--force-device-scale-factor=1"]:
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        cls.browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        cls.server, cls.base = serve(OUTPUT)

    @classmethod
    def tearDownClass(cls):
        cls.browser.quit()
        cls.server.shutdown()

    def open(self, url, width=1280, height=800):
        self.browser.set_window_size(width, height)
        self.browser.get_log("browser")  # drop what earlier pages logged
        self.browser.get(url)
        self.browser.execute_script("return document.readyState")

    def errors(self):
        return [e["message"] for e in self.browser.get_log("browser") if e["level"] == "SEVERE"]

    def test_every_report_loads_cleanly_and_sharply(self):
        self.assertGreaterEqual(len(REPORTS), 6)
        for name in REPORTS + [""]:
            with self.subTest(report=name or "index"):
                self.open(f"{self.base}/{name}/index.html" if name else f"{self.base}/index.html")
                self.assertEqual(self.errors(), [])
                images = self.browser.execute_script("""
                    return [...document.querySelectorAll('figure img:not(.still)')].map(i => ({
                        src: i.getAttribute('src'), complete: i.complete, natural: i.naturalWidth,
                        width: +i.getAttribute('width')}))""")
                for image in images:
                    self.assertTrue(image["complete"] and image["natural"] > 0, image)
                    factor = 1 if image["src"].endswith(".gif") else 2
                    self.assertEqual(image["natural"], factor * image["width"], image)
                sizes = self.browser.execute_script("""
                    const code = document.querySelector('.source code'), out = document.querySelector('.output');
                    return code && out ? [getComputedStyle(code).fontSize, getComputedStyle(out).fontSize] : null""")
                if sizes:
                    self.assertEqual(sizes[0], sizes[1], "code and its output at one size")
                self.assertEqual(self.browser.execute_script("return document.querySelectorAll('pre .cell-no').length"), 0)

    def test_no_sideways_scrolling_on_a_phone(self):
        for name in REPORTS + [""]:
            with self.subTest(report=name or "index"):
                self.open(f"{self.base}/{name}/index.html" if name else f"{self.base}/index.html", 390, 844)
                width = self.browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
                self.assertLessEqual(width[0], width[1], f"the page is {width[0]} px wide in a {width[1]} px window")
                clipped = self.browser.execute_script("""
                    return [...document.querySelectorAll('h1, .error .message')]
                        .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent.slice(0, 60))""")
                self.assertEqual(clipped, [])

    def test_animation_rests_for_reduced_motion_and_print(self):
        self.open(f"{self.base}/x2fit/index.html")
        shown = "return [...document.querySelectorAll('figure .animation, figure .still')].map(i => getComputedStyle(i).display)"
        self.assertEqual(self.browser.execute_script(shown), ["block", "none"])
        self.browser.execute_cdp_cmd(
            "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-reduced-motion", "value": "reduce"}]})
        self.assertEqual(self.browser.execute_script(shown), ["none", "block"])
        self.browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print", "features": []})
        self.assertEqual(self.browser.execute_script(shown), ["none", "block"])
        self.browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": []})

    def test_copy_button_copies_the_code(self):
        self.open(f"{self.base}/x2fit/index.html")
        self.browser.execute_cdp_cmd("Browser.grantPermissions", {
            "origin": self.base, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
        button = self.browser.find_element("css selector", ".source .copy")
        self.browser.execute_script("arguments[0].scrollIntoView(); arguments[0].click()", button)
        copied = self.browser.execute_async_script(
            "const done = arguments[0]; navigator.clipboard.readText().then(done, e => done('error: ' + e))")
        code = self.browser.execute_script("return document.querySelector('.source code').innerText")
        self.assertEqual(copied, code)
        self.assertIn("func makeNetwork", copied)
        self.assertEqual(self.browser.execute_script("return arguments[0].textContent", button), "Copied")

    def test_printing_x2fit(self):
        self.open(f"{self.base}/x2fit/index.html")
        pdf = base64.b64decode(self.browser.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True})["data"])
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        # Before the print styles it took 12 pages, figures pushed away from their code.
        print(f"x2fit prints on {pages} pages", flush=True)
        self.assertLessEqual(pages, 9, f"{pages} pages")

    def test_sweep_comparison(self):
        folder = tempfile.mkdtemp(prefix="runbook-sweep-page-")
        try:
            os.makedirs(os.path.join(folder, "Notebooks"))
            shutil.copy(os.path.join(ROOT, "Tests", "Sweep", "fit.md"), os.path.join(folder, "Notebooks"))
            subprocess.run([RUNBOOK, "sweep", "Notebooks/fit.md", "--grid", "hidden=2,8", "--grid",
                            "activation=relu,swish", "--seeds", "2", "--quiet"], cwd=folder,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            server, base = serve(os.path.join(folder, "Output", "fit.sweep"))
            try:
                for width in [1280, 390]:
                    self.open(f"{base}/index.html", width, 844)
                    self.assertEqual(self.errors(), [])
                    size = self.browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
                    self.assertLessEqual(size[0], size[1])
                    best = self.browser.execute_script(
                        "return [...document.querySelectorAll('td.best')].map(td => td.closest('tr').cells[0].textContent)")
                    self.assertEqual(best, ["8", "8"], "hidden=8 is best in both metrics")
                    self.browser.find_element("css selector", "table.sweep a").click()
                    self.assertIn("/points/", self.browser.current_url)
            finally:
                server.shutdown()
        finally:
            shutil.rmtree(folder)


if __name__ == "__main__":
    unittest.main(verbosity=2)
