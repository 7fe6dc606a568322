#!/usr/bin/env python3
"""Drive headless Chromium (Debian's chromium + chromium-driver, through
python3-selenium) to a page of the browser test and report what it shows.

  drive.py URL --profile DIR --out JSON [--screenshot PNG]
           [--until STATE[,STATE...]] [--timeout SECS]

Opens URL in a fresh profile (DIR, under the test's $T), waits until the
page's body[data-state] is one of the STATEs (default: done,refused,failed)
or the timeout passes, then writes JSON: what the user sees ({"state",
"reg", "sent", "table_name", "rows", "via", "obsids", "text", "log"}),
saves a screenshot of the window and quits the browser.  Headless, no
sandbox (the tests run as root), no network beyond loopback: every
background service of Chromium that would call out is off.  Exit 0 when
the page reached one of the STATEs, 1 when not (the JSON is written
either way), 2 when the browser could not be started.
"""
import argparse
import json
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def browser(profile, log_path):
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
              "--user-data-dir=" + profile, "--window-size=1000,760", "--no-first-run",
              "--no-default-browser-check", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--disable-extensions",
              "--disable-default-apps", "--disable-domain-reliability", "--metrics-recording-only",
              "--no-pings", "--disable-client-side-phishing-detection",
              "--disable-features=Translate,OptimizationHints,MediaRouter,"
              "DialMediaRouteProvider,AutofillServerCommunication,CertificateTransparencyComponentUpdater",
              "--password-store=basic", "--use-mock-keychain", "--disable-breakpad",
              "--disable-crash-reporter"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER, log_path=log_path), options=opts)


def seen(drv):
    js = """
      const t = (id) => { const e = document.getElementById(id); return e ? e.textContent : null; };
      return { state: document.body ? document.body.dataset.state : null,
               reg: t("reg"), sent: t("sent"), table_name: t("table-name"),
               rows: t("rows"), via: t("via"), log: t("log"),
               obsids: Array.from(document.querySelectorAll("#rows-table td.observationID"), (td) => td.textContent) };"""
    d = drv.execute_script(js)
    d["text"] = drv.find_element(By.TAG_NAME, "body").text
    return d


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--profile", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--screenshot")
    ap.add_argument("--until", default="done,refused,failed")
    ap.add_argument("--timeout", type=float, default=90)
    ap.add_argument("--driver-log", default="/dev/null")
    a = ap.parse_args()
    until = a.until.split(",")
    try:
        drv = browser(a.profile, a.driver_log)
    except Exception as e:       # noqa: BLE001 (say why, whatever it is)
        print("drive.py: the browser did not start: %s" % e, file=sys.stderr)
        return 2
    try:
        drv.set_page_load_timeout(30)
        drv.get(a.url)
        end = time.monotonic() + a.timeout
        d = seen(drv)
        while d["state"] not in until and time.monotonic() < end:
            time.sleep(0.2)
            d = seen(drv)
        if a.screenshot:
            drv.save_screenshot(a.screenshot)
        try:
            d["console"] = [m["message"] for m in drv.get_log("browser")]
        except Exception:        # noqa: BLE001 (a driver without logs)
            d["console"] = []
        with open(a.out, "w", encoding="utf-8") as f:
            json.dump(d, f, indent=1)
        return 0 if d["state"] in until else 1
    finally:
        drv.quit()


if __name__ == "__main__":
    sys.exit(main())
