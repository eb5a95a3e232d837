#!/usr/bin/env python3
"""A real browser against `pledge serve`: Debian's chromium driven by selenium, on a temporary ledger and a free
loopback port. Usage: browser_test.py PATH-TO-pledge. Screenshots of each page go to .build/browser/."""
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

PLEDGE = os.path.abspath(sys.argv[1])
SHOTS = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".build", "browser"))
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def pledge(db, *args, stdin=None):
    return subprocess.run([PLEDGE, "--db", db, "--lang", "en", *args], input=stdin, capture_output=True, text=True, check=True).stdout


def journal_head(db):
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
        return c.execute("select max(seq) from entries").fetchone()[0]


def browser():
    options = webdriver.ChromeOptions()
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1600", "--lang=zh-CN"]:
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    driver_path = next((p for p in ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"] if os.path.exists(p)), None)
    return webdriver.Chrome(service=Service(driver_path) if driver_path else Service(), options=options)


def click_and_wait(driver, button, seconds=20):
    """Clicks `button` and waits until the answer has replaced its page. Asked while the next page loads, chromium
    may answer "node does not belong to the document" instead of "stale element": either way the page is gone."""
    button.click()

    def replaced(_):
        try:
            button.is_enabled()
            return False
        except WebDriverException:
            return True
    WebDriverWait(driver, seconds).until(replaced)


def submit(driver):
    """Clicks the form's button and waits until the answer has replaced the page."""
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form.entry button"))


def sign_in(driver, base, user, password):
    driver.get(base + "/login")
    driver.find_element(By.NAME, "user").send_keys(user)
    driver.find_element(By.NAME, "password").send_keys(password)
    submit(driver)


def shot(driver, name):
    os.makedirs(SHOTS, exist_ok=True)
    driver.save_screenshot(os.path.join(SHOTS, name + ".png"))


def main():
    work = tempfile.mkdtemp(prefix="pledge-browser-")
    db = os.path.join(work, "ledger.sqlite")
    pledge(db, "init")
    pledge(db, "user", "add", "王会计", "--role", "clerk", "--password-stdin", stdin="clerk-password\n")
    pledge(db, "user", "add", "审计员", "--role", "auditor", "--password-stdin", stdin="auditor-password\n")
    pledge(db, "user", "add", "李复核", "--role", "checker", "--password-stdin", stdin="checker-password\n")
    server = subprocess.Popen([PLEDGE, "--db", db, "serve", "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    base = server.stdout.readline().strip().removeprefix("listening on ")
    driver = browser()
    try:
        # A clerk signs in and sees the dashboard.
        sign_in(driver, base, "王会计", "clerk-password")
        check(driver.find_element(By.CSS_SELECTOR, "p.headline") is not None, "the clerk lands on the dashboard")
        shot(driver, "1-dashboard-empty")

        # A registration with a wrong USCC check character: the rule beside the field, what was typed kept, nothing written.
        before = journal_head(db)
        driver.get(base + "/register")
        values = {"reg_no": "BROWSER-1", "reg_date": "2024-03-05", "uscc": "914403001922038215", "enterprise": "甘肃陇原新材料科技有限公司",
                  "bank": "兰州银行城关支行", "amount": "2,000", "ip_numbers": "97101765.4", "park": "兰州高新"}
        for name, value in values.items():
            field = driver.find_element(By.NAME, name)
            field.clear()
            field.send_keys(value)
        submit(driver)
        errors = driver.find_elements(By.CSS_SELECTOR, 'span.error[data-field="uscc"]')
        check(len(errors) == 1 and "校验位" in errors[0].text, "the USCC rule shows beside its field, in Chinese")
        check(driver.find_element(By.NAME, "enterprise").get_attribute("value") == values["enterprise"], "what was typed is kept")
        check(journal_head(db) == before, "nothing was written")
        shot(driver, "2-register-refused")

        # Fixed, it is registered, and the dashboard total grows.
        uscc = driver.find_element(By.NAME, "uscc")
        uscc.clear()
        uscc.send_keys("914403001922038216")
        submit(driver)
        check(driver.current_url.endswith("/registrations/BROWSER-1"), "the registration page opens")
        check("2,000.00 万元" in driver.page_source and "王会计" in driver.page_source, "its amount and its operator show")
        shot(driver, "3-registration")
        driver.get(base + "/?asOf=2024-12-31")
        check("2,000.00" in driver.find_element(By.CSS_SELECTOR, "dl.summary").text, "the dashboard total grew")
        shot(driver, "4-dashboard")

        # The monthly page's CSV download, with the browser's session, holds the same total.
        driver.get(base + "/monthly?from=2024-01&to=2024-12")
        shot(driver, "5-monthly")
        link = driver.find_element(By.XPATH, '//a[contains(@href, "format=csv")]').get_attribute("href")
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
        with urllib.request.urlopen(urllib.request.Request(link, headers={"Cookie": cookie})) as r:
            csv = r.read().decode("utf-8-sig")
        march = [line for line in csv.splitlines() if line.startswith("2024-03")]
        check(len(march) == 1 and "2000.00" in march[0], "the monthly CSV holds March's 2,000 万元")
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
            fen = c.execute("select sum(amount_fen) from registrations where status <> 'void' and reg_date like '2024-03%'").fetchone()[0]
        check(fen == 2_000_000_000, "and so does a plain SQL query")

        # The clerk uploads the bank's GB18030 file: the dry run writes nothing and shows the counts; confirmed, every row is in.
        sample = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "SampleData", "registrations-gb18030.csv"))
        before = journal_head(db)
        driver.get(base + "/import")
        driver.find_element(By.NAME, "file").send_keys(sample)
        submit(driver)
        summary = driver.find_element(By.ID, "import-summary").text
        check("新增 2001" in summary and "无效 0" in summary, "the dry run counts the sample's rows: " + summary)
        check(journal_head(db) == before, "the dry run wrote nothing")
        shot(driver, "6-import-dry-run")
        click_and_wait(driver, driver.find_element(By.ID, "confirm-import"), 60)
        check(driver.find_elements(By.ID, "import-head"), "the confirmed import shows the journal head")
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
            count = c.execute("select count(*) from registrations").fetchone()[0]
            operators = c.execute("select distinct operator from entries where kind = 'register'").fetchall()
        check(count == 2002, f"the ledger holds the sample's 2,001 rows and BROWSER-1 ({count})")
        check(operators == [("王会计",)], "the signed-in clerk is every entry's operator")
        shot(driver, "7-import-done")
        # The bank's Excel workbook of the same rows (title rows, merged header cells): its dry run finds them all in.
        workbook = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "PledgeCLITests", "Fixtures", "xlsx", "merged-header.xlsx"))
        driver.get(base + "/import")
        driver.find_element(By.NAME, "file").send_keys(workbook)
        submit(driver)
        summary = driver.find_element(By.ID, "import-summary").text
        check("未变 6" in summary and "无效 0" in summary, "an uploaded .xlsx workbook's dry run: " + summary)
        shot(driver, "7b-import-workbook")
        driver.get(base + "/registrations?prefecture=" + urllib.parse.quote("兰州"))
        check("Y20" in driver.page_source, "the registrations list filters by prefecture")
        shot(driver, "8-registrations")
        check(driver.find_elements(By.CSS_SELECTOR, 'nav a[href="/money"]'), "every page links to the subsidies and pools page")
        driver.get(base + "/money")
        check("贴息" in driver.find_element(By.TAG_NAME, "main").text, "the subsidies and pools page opens")
        shot(driver, "8b-money")

        # An auditor finds no write control, and a forged registration with the auditor's own session is refused.
        driver.delete_all_cookies()
        sign_in(driver, base, "审计员", "auditor-password")
        for path in ["/", "/registrations", "/registrations/BROWSER-1"]:
            driver.get(base + path)
            check(not driver.find_elements(By.CSS_SELECTOR, 'a[href="/register"], form[action="/register"], a[href="/import"], form.lifecycle'),
                  f"no write control on {path}")
        shot(driver, "9-auditor")
        driver.get(base + "/audit?verify=1")
        check(driver.find_element(By.ID, "verify-result").get_attribute("class") == "done", "the auditor verifies the ledger from the audit page")
        shot(driver, "10-audit")
        driver.get(base + "/periods")
        shot(driver, "11-periods")
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', driver.page_source).group(1)
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
        before = journal_head(db)
        form = urllib.parse.urlencode({"csrf": token, **values, "reg_no": "FORGED-1", "uscc": "914403001922038216", "ip_numbers": "201710601862.3"})
        try:
            urllib.request.urlopen(urllib.request.Request(base + "/register", data=form.encode(), headers={"Cookie": cookie}))
            status = 200
        except urllib.error.HTTPError as e:
            status = e.code
        check(status == 403, "a forged POST by the auditor gets 403")
        check(journal_head(db) == before, "and writes nothing")

        # With approval required, the clerk's registration is a proposal that counts nowhere until the checker approves it.
        pledge(db, "settings", "set", "approval", "required")
        driver.delete_all_cookies()
        sign_in(driver, base, "王会计", "clerk-password")
        driver.get(base + "/register")
        for name, value in {**values, "reg_no": "BROWSER-2", "uscc": "914403001922038216", "ip_numbers": "2014103620773"}.items():
            field = driver.find_element(By.NAME, name)
            field.clear()
            field.send_keys(value)
        submit(driver)
        check("/proposals/" in driver.current_url and driver.find_elements(By.ID, "own"), "the clerk's registration lands on its proposal, to be approved by another")
        proposal_url = driver.current_url
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
            check(c.execute("select count(*) from registrations where reg_no = 'BROWSER-2'").fetchone()[0] == 0, "the proposal is in no table")
        shot(driver, "12-my-proposal")
        driver.delete_all_cookies()
        sign_in(driver, base, "李复核", "checker-password")
        driver.get(base + "/proposals")
        link = driver.find_element(By.CSS_SELECTOR, f'#proposals a[href="{urllib.parse.urlparse(proposal_url).path}"]')
        shot(driver, "13-to-approve")
        link.click()
        check("BROWSER-2" in driver.find_element(By.ID, "after").text, "the checker sees the registration as it would be recorded")
        click_and_wait(driver, driver.find_element(By.ID, "approve"))
        check(driver.find_elements(By.ID, "done"), "the approval is confirmed on the page")
        shot(driver, "14-approved")
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
            row = c.execute("select e.operator from registrations r join entries e on e.seq = r.created_seq where r.reg_no = 'BROWSER-2'").fetchone()
        check(row == ("李复核",), "the approved registration is in the ledger, written by the checker")
        driver.get(base + "/registrations/BROWSER-2")
        check("王会计" in driver.page_source and "李复核" in driver.page_source, "its history names the proposer and the approver")
    finally:
        driver.quit()
        server.terminate()
        server.wait(timeout=30)
    check(server.returncode == 0, "the server stops cleanly on SIGTERM")
    check(subprocess.run([PLEDGE, "--db", db, "audit", "verify"], capture_output=True).returncode == 0, "the ledger verifies")
    print(f"screenshots in {SHOTS}")
    if failures:
        print(f"{len(failures)} browser checks failed", file=sys.stderr)
        sys.exit(1)


main()
