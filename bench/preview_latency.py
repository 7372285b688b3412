"""Save-to-page latency of `runbook preview` on a copy of a notebook, in headless Chromium.

    python3 bench/preview_latency.py Notebooks/x2fit.md [--screenshot docs/preview-running.png]

Opens the preview of a copy of the notebook, appends a line to its first cell, saves, and prints
the time until the page shows the first cell's new output (the cell has run and the page
updated) and until the whole run is done ("Up to date"). With --screenshot it also saves the
page while a later cell runs.
"""

import argparse
import os
import re
import shutil
import subprocess
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

parser = argparse.ArgumentParser()
parser.add_argument("notebook")
parser.add_argument("--screenshot")
args = parser.parse_args()

folder = tempfile.mkdtemp()
for sub in ["Data"]:
    if os.path.exists(os.path.join(ROOT, sub)):
        os.symlink(os.path.join(ROOT, sub), os.path.join(folder, sub))
path = os.path.join(folder, os.path.basename(args.notebook))
shutil.copy(os.path.join(ROOT, args.notebook), path)
server = subprocess.Popen([os.path.join(ROOT, ".build/release/runbook"), "preview", os.path.basename(path), "--port", "0"],
                          cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
url = server.stdout.readline().split()[1]
options = Options()
for a in ["--headless=new", "--no-sandbox", "--window-size=1100,900"]:
    options.add_argument(a)
browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
text = lambda: browser.execute_script("return document.querySelector('main').innerText")
browser.get(url)
while "Up to date" not in text():
    time.sleep(0.05)
source = open(path).read()
marker = 'print("edited at save")'
edited = re.sub(r"(```swift runbook\n)", r"\1" + marker + "\n", source, count=1)
start = time.monotonic()
with open(path + ".tmp", "w") as f:
    f.write(edited)
os.replace(path + ".tmp", path)
shot = False
while "edited at save" not in text():
    time.sleep(0.01)
first = time.monotonic() - start
while "Up to date" not in text():
    if args.screenshot and not shot and browser.execute_script("return !!document.querySelector('.spinner')"):
        time.sleep(0.3)
        browser.execute_script("var s=document.querySelector('.spinner');s.closest('section').scrollIntoView({block:'center'})")
        browser.save_screenshot(args.screenshot)
        shot = True
    time.sleep(0.01)
whole = time.monotonic() - start
print(f"{args.notebook}: first cell's new output in the page {first:.2f} s after the save; whole run done {whole:.2f} s")
browser.quit()
server.terminate()
server.wait()
