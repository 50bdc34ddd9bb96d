"""The page at / in a real headless Chromium (Debian's chromium and chromium-driver, driven by selenium): translate a
sentence, see the glossary terms highlighted by status (applied, forbidden, violated) with the entry on hover and the
findings; Persian is RTL."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.server import Server, install_toys, running_server

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="needs Debian's chromium and chromium-driver (.ci/run installs them)",
)

MEETING = "President Pezeshkian met Prime Minister Anwar Ibrahim in Kuala Lumpur."
WAR = "The war killed 1,250 people in Gaza last year."
PLUGINS = Path(__file__).resolve().parent.parent / "plugins"
POLITICS = """\
version: 1
languages: [en, zz]
entries:
  - id: pezeshkian
    type: person
    dnt: true
    terms:
      en: Pezeshkian
  - id: gov
    type: organization
    terms:
      en: government
      zz: pemerintah
"""
# The faulty engine (tests/plugins, an entry-point engine) cuts this sentence to its first quarter on every call, as
# a model that stops early: no strategy can bring "government" back, so the page must show a violation.
TRUNCATED = "The spokesman said on Monday that parliament would support the government."
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


@pytest.fixture(scope="module")
def page_server(server_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("page")
    install_toys(home, extra=(("en", "fa"),))  # the toy as en->fa too: a right-to-left target
    desks = server_home / "desks"
    with running_server(home, "--glossary-dir", str(desks), "-g", str(desks / "news.yaml")) as srv:
        yield srv


@pytest.fixture(scope="module")
def faulty_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("faulty-page")
    desks = home / "desks"
    desks.mkdir()
    (desks / "politics.yaml").write_text(POLITICS, encoding="utf-8")
    env = {"PYTHONPATH": str(PLUGINS), "DRAGOMAN_FAULTY_FAULTS": json.dumps({"parliament": "length!"})}
    args = ("-e", "faulty", "--glossary-dir", str(desks), "-g", str(desks / "politics.yaml"))
    with running_server(home, *args, env=env) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def _open(browser: Any, server: Server) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server.url + "/")
    WebDriverWait(browser, 30).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")


def _translate(browser: Any, target: str, text: str | None = None) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    Select(browser.find_element(By.ID, "target")).select_by_value(target)
    if text is not None:
        area = browser.find_element(By.ID, "text")
        area.clear()
        area.send_keys(text)
    browser.execute_script("document.getElementById('output').removeAttribute('lang')")
    browser.find_element(By.ID, "translate").click()
    WebDriverWait(browser, 60).until(
        lambda d: (
            d.find_element(By.ID, "output").get_attribute("lang") == target
            or not d.find_element(By.ID, "error").get_attribute("hidden")
        )
    )
    assert browser.find_element(By.ID, "error").get_attribute("hidden"), browser.find_element(By.ID, "error").text


def test_translate_highlights_terms_by_status_with_the_entry_on_hover(browser: Any, page_server: Server) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    _open(browser, page_server)
    Select(browser.find_element(By.ID, "source")).select_by_value("en")
    boxes = {box.get_attribute("value"): box for box in browser.find_elements(By.CSS_SELECTOR, "input[name=glossary]")}
    assert boxes["news"].is_selected() and not boxes["style"].is_selected()  # the server's default is ticked
    boxes["style"].click()
    _translate(browser, "zz", f"{MEETING} {WAR}")

    output = browser.find_element(By.ID, "output")
    assert output.get_attribute("dir") == "ltr"
    assert "Pezeshkian" in output.text and "Kuala Lumpur" in output.text
    applied = browser.find_elements(By.CSS_SELECTOR, "#output span.term.status-applied")
    assert [span.text for span in applied] == ["Pezeshkian", "Kuala Lumpur"]
    hover = applied[0].get_attribute("title")
    assert hover.splitlines()[:3] == ["pezeshkian (person)", "en: Pezeshkian", "do not translate"]
    forbidden = browser.find_elements(By.CSS_SELECTOR, "#output span.term.status-forbidden-found")
    assert [span.text for span in forbidden] == ["tahun"]
    assert "forbidden: tahun" in forbidden[0].get_attribute("title").replace("zz: setahun; ", "")
    # The source side shows where each term was found.
    sources = browser.find_elements(By.CSS_SELECTOR, "#source-view span.term")
    assert [span.text for span in sources] == ["Pezeshkian", "Kuala Lumpur"]
    findings = [item.text for item in browser.find_elements(By.CSS_SELECTOR, "#findings li")]
    assert findings == [
        "forbidden: line 1: 'tahun' in the sentence, use 'setahun' [annum] — no source term asked for it; use 'setahun'"
    ]
    summary = browser.find_element(By.ID, "summary").text
    assert summary == "news + style: 2 terms, 2 applied, 0 variants, 0 violations, 1 forbidden found"


def test_a_term_the_engine_loses_is_shown_as_violated_next_to_an_applied_one(
    browser: Any, faulty_server: Server
) -> None:
    from selenium.webdriver.common.by import By

    _open(browser, faulty_server)
    _translate(browser, "zz", f"President Pezeshkian met reporters. {TRUNCATED}")

    output = browser.find_element(By.ID, "output")
    assert "pemerintah" not in output.text and "government" not in output.text  # the engine dropped it
    applied = browser.find_elements(By.CSS_SELECTOR, "#output span.term.status-applied")
    assert [span.text for span in applied] == ["Pezeshkian"]
    # The violated term is not in the translation: the source side marks where it was asked for.
    violated = browser.find_elements(By.CSS_SELECTOR, "#source-view span.term.status-violated")
    assert [span.text for span in violated] == ["government"]
    assert violated[0].get_attribute("data-entry") == "gov"
    hover = violated[0].get_attribute("title").splitlines()
    assert hover[:3] == ["gov (organization)", "en: government", "zz: pemerintah"]
    assert hover[-1].startswith("status here: violated (rendering of the term not found in the output")
    sources = browser.find_elements(By.CSS_SELECTOR, "#source-view span.term")
    assert [(span.text, span.get_attribute("class")) for span in sources] == [
        ("Pezeshkian", "term status-applied"),
        ("government", "term status-violated"),
    ]
    findings = browser.find_elements(By.CSS_SELECTOR, "#findings li.status-violated")
    assert [item.text.split(" — ")[0] for item in findings] == [
        "violated: line 1: 'government' should be 'pemerintah' [gov]"
    ]
    # The integrity checks saw the cut too: the output is far shorter than the source.
    flagged = [item.text for item in browser.find_elements(By.CSS_SELECTOR, "#findings li.integrity-flagged")]
    assert len(flagged) == 1 and flagged[0].startswith("integrity flagged: line 1:37: length — output "), flagged
    summary = browser.find_element(By.ID, "summary").text
    assert summary == "politics: 2 terms, 1 applied, 0 variants, 1 violations, 0 forbidden found"


def test_persian_is_right_to_left_and_an_upload_fills_the_text(
    browser: Any, page_server: Server, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _open(browser, page_server)
    article = tmp_path / "article.txt"
    article.write_text(WAR + "\n", encoding="utf-8")
    browser.find_element(By.ID, "file").send_keys(str(article))
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "text").get_attribute("value") == WAR + "\n")
    _translate(browser, "fa")
    output = browser.find_element(By.ID, "output")
    assert output.get_attribute("dir") == "rtl" and output.text.startswith("Perang")
    _translate(browser, "zz")
    assert browser.find_element(By.ID, "output").get_attribute("dir") == "ltr"


def test_an_uploaded_docx_is_translated_as_a_file_with_the_report(
    browser: Any, page_server: Server, tmp_path: Path
) -> None:
    import docx
    import requests
    from selenium.webdriver.common.by import By

    document = docx.Document()
    paragraph = document.add_paragraph("President ")
    paragraph.add_run("Pezeshkian").bold = True
    paragraph.add_run(" met Prime Minister Anwar Ibrahim in Kuala Lumpur.")
    story = tmp_path / "story.docx"
    document.save(str(story))

    _open(browser, page_server)
    assert ".docx" in browser.find_element(By.ID, "file").get_attribute("accept").split(",")
    browser.find_element(By.ID, "file").send_keys(str(story))
    assert browser.find_element(By.ID, "file-note").text == "story.docx is translated as a file: its format is kept."
    _translate(browser, "zz")
    link = browser.find_element(By.ID, "download")
    assert link.is_displayed() and link.text == "Download story_zz.docx"
    summary = browser.find_element(By.ID, "summary").text
    assert summary == "news: 2 terms, 2 applied, 0 variants, 0 violations, 0 forbidden found"
    response = requests.get(link.get_attribute("href"), timeout=30)
    assert response.status_code == 200
    meeting = docx.Document(io.BytesIO(response.content)).paragraphs[0]
    assert "Pezeshkian" in meeting.text and "Kuala Lumpur" in meeting.text
    assert [run.text for run in meeting.runs if run.bold] == ["Pezeshkian"]


def test_an_error_is_shown_not_swallowed(browser: Any, page_server: Server) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _open(browser, page_server)
    browser.find_element(By.ID, "text").clear()
    browser.find_element(By.ID, "translate").click()
    WebDriverWait(browser, 30).until(lambda d: not d.find_element(By.ID, "error").get_attribute("hidden"))
    assert browser.find_element(By.ID, "error").text == "Invalid request: missing q parameter"
