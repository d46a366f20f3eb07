"""The browser half of ``make airflow-page-check`` (see page_check.sh): headless Chromium logs
in to Airflow, opens 结算结果, downloads the disbursement list, searches an enterprise, and
checks what a viewer and an anonymous visitor are refused.
    usage: page_check.py BASE_URL YEAR WORK_DIR DOCS_DIR"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait


def browser(downloads: Path) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1366,900",
        "--lang=zh-CN",
    ):
        options.add_argument(arg)
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "safebrowsing.enabled": False,
        },
    )
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    return driver


def log_in(driver, base: str, user: str, password: str) -> None:
    driver.delete_all_cookies()
    driver.get(base + "/")
    wait = WebDriverWait(driver, 60)
    name = wait.until(
        ec.presence_of_element_located(
            (By.CSS_SELECTOR, "input[name='username'], input#username, input[type='text']")
        )
    )
    name.clear()
    name.send_keys(user)
    secret = driver.find_element(By.CSS_SELECTOR, "input[type='password']")
    secret.send_keys(password)
    secret.send_keys(Keys.ENTER)
    wait.until(lambda d: d.get_cookie("_token") is not None)


def body_text(driver) -> str:
    return driver.find_element(By.TAG_NAME, "body").text


def main(base: str, year: str, work: Path, docs: Path) -> None:
    downloads = work / "downloads"
    downloads.mkdir(exist_ok=True)
    out = work / "out" / year
    driver = browser(downloads)
    try:
        # anonymous: refused, nothing else
        driver.get(f"{base}/settlement/")
        assert "Not authenticated" in body_text(driver), body_text(driver)[:300]

        log_in(driver, base, "officer", "officer-pass")
        # the nav entry: Browse → 结算结果 opens the page inside the Airflow UI
        browse = WebDriverWait(driver, 60).until(
            ec.element_to_be_clickable((By.XPATH, "//*[normalize-space(text())='Browse']"))
        )
        browse.click()
        entry = WebDriverWait(driver, 30).until(
            ec.element_to_be_clickable((By.XPATH, "//*[normalize-space(text())='结算结果']"))
        )
        entry.click()
        frame = WebDriverWait(driver, 30).until(
            ec.presence_of_element_located((By.CSS_SELECTOR, "iframe[src$='/settlement/']"))
        )
        driver.switch_to.frame(frame)
        WebDriverWait(driver, 30).until(lambda d: f"{year}年" in body_text(d))
        driver.switch_to.default_content()
        time.sleep(1)
        driver.save_screenshot(str(docs / "results_page_in_airflow.png"))

        driver.get(f"{base}/settlement/")
        WebDriverWait(driver, 30).until(lambda d: f"{year}年" in body_text(d))
        driver.find_element(By.LINK_TEXT, f"{year}年").click()
        WebDriverWait(driver, 30).until(lambda d: "按资金来源" in body_text(d))
        driver.save_screenshot(str(docs / "results_page_year.png"))

        name = f"disbursement_{year}.xlsx"
        driver.find_element(By.LINK_TEXT, name).click()
        target = downloads / name
        for _ in range(120):
            if target.is_file() and not list(downloads.glob("*.crdownload")):
                break
            time.sleep(0.5)
        assert target.is_file(), f"{name} was not downloaded: {sorted(p.name for p in downloads.iterdir())}"
        assert target.read_bytes() == (out / name).read_bytes(), (
            "the downloaded disbursement list differs from the file on disk"
        )

        driver.get(f"{base}/settlement/{year}/")
        assert "officer" in body_text(driver), "the download is not listed on the page"

        with open(out / "awards.csv", encoding="utf-8") as handle:
            paid = next(r for r in csv.DictReader(handle) if r["status"] == "paid")
        box = driver.find_element(By.NAME, "q")
        box.send_keys(paid["uscc"])
        box.send_keys(Keys.ENTER)
        WebDriverWait(driver, 30).until(lambda d: "实付" in body_text(d))
        text = body_text(driver)
        assert paid["name"] in text and paid["explanation"][:15] in text, text[:500]
        driver.save_screenshot(str(docs / "results_page_search.png"))

        # a viewer sees the page but not the bank data
        log_in(driver, base, "viewer", "viewer-pass")
        driver.get(f"{base}/settlement/{year}/files/{name}")
        assert "拨付权限" in body_text(driver), body_text(driver)[:300]
        assert not (downloads / f"{Path(name).stem} (1).xlsx").exists()
    finally:
        driver.quit()
    print(
        f"page check: login, nav entry, download ({name}, bytes equal), search and refusals all as expected;"
        f" screenshots in {docs}"
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
