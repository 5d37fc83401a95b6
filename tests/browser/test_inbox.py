"""The inbox in headless Chromium against the whole stack: what department people do all day.

Two people of two departments, made with `webcare people add`, sign in. A
complaint about a donation is POSTed to ingest and appears in the fundraising
queue without a reload; Anna claims it with the keyboard; Dewi (Service) opens
it, sees who holds it and is refused when claiming; Anna replies, re-tags and
resolves; the team page counts the reply. Every page passes axe-core with no
serious or critical violation, also at 360 px wide.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.axe import violations
from tests.browser.conftest import PASSWORD, add_person, diagnosis, screenshot

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.e2e]


def sign_in(driver: webdriver.Chrome, base: str, username: str) -> None:
    driver.get(f"{base}/login")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(PASSWORD + Keys.ENTER)
    WebDriverWait(driver, 30).until(ready.url_contains("/inbox"))


def accessible(driver: webdriver.Chrome, page: str) -> None:
    found = violations(driver)
    assert not found, f"axe on {page}: {found}"


def wait_text(driver: webdriver.Chrome, element_id: str, text: str, timeout: float = 30) -> None:
    WebDriverWait(driver, timeout).until(
        ready.text_to_be_present_in_element((By.ID, element_id), text)
    )


def post_mention(ingest: str, external_id: str) -> str:
    body = {
        "source": "mastodon",
        "external_id": external_id,
        "author": {"id": "77", "handle": "boze_bea", "display_name": "Bea", "followers": 310},
        "text": "Ik ben boos: twee keer afgeschreven voor mijn donatie aan @openhart! "
        "Wanneer krijg ik mijn geld terug?",
        "created_at": datetime.now(UTC).isoformat(),
        "lang": "nl",
    }
    answer = httpx.post(f"{ingest}/v1/mentions", json=body, timeout=30)
    assert answer.status_code == 202, answer.text
    return str(answer.json()["ids"][0])


def test_a_day_in_the_inbox(stack: dict[str, Any], chromium: Callable[..., Any]) -> None:
    base = stack["inbox"]
    add_person(
        stack["env"],
        "anna",
        "--department",
        "fondsenwerving",
        "--name",
        "Anna de Vries",
        "--language",
        "en",
    )
    add_person(
        stack["env"], "dewi", "--department", "service", "--name", "Dewi", "--language", "en"
    )
    add_person(
        stack["env"], "lies", "--department", "fondsenwerving", "--role", "lead", "--language", "nl"
    )
    anna, dewi = chromium(), chromium()

    sign_in(anna, base, "anna")
    anna.get(f"{base}/inbox?department=fondsenwerving")
    assert "Queue of" in anna.find_element(By.TAG_NAME, "h1").text
    screenshot(anna, "1-inbox-empty")
    accessible(anna, "/inbox")

    # Arrives while the page is open: the department's stream brings it in, no reload.
    marker = anna.execute_script("window.__notReloaded = true; return true;")
    assert marker
    mention_id = post_mention(stack["ingest"], f"inbox-{uuid.uuid4().hex[:8]}")
    row = (By.CSS_SELECTOR, f'.item[data-mention="{mention_id}"]')
    try:
        WebDriverWait(anna, 90).until(ready.presence_of_element_located(row))
    except TimeoutException as err:
        raise AssertionError(f"never appeared in the queue\n{diagnosis(anna, stack)}") from err
    assert anna.execute_script("return window.__notReloaded === true;"), "the page reloaded"
    item = anna.find_element(*row)
    assert "service" in item.text
    assert "communicatie" in item.text
    assert "nobody" in item.text
    screenshot(anna, "2-inbox-live")

    # Keyboard: j to the row, Enter to open, c to claim.
    anna.find_element(By.TAG_NAME, "body").send_keys("j")
    anna.switch_to.active_element.send_keys(Keys.ENTER)
    WebDriverWait(anna, 30).until(ready.presence_of_element_located((By.ID, "claim")))
    accessible(anna, "mention page")
    anna.find_element(By.TAG_NAME, "body").send_keys("c")
    wait_text(anna, "claimed-by", "anna")
    screenshot(anna, "3-mention-claimed")

    # Dewi, of Service, sees the shared record: who holds it; claiming is refused.
    sign_in(dewi, base, "dewi")
    dewi.get(f"{base}/mentions/{mention_id}")
    assert "anna (fondsenwerving)" in dewi.find_element(By.ID, "claimed-by").text
    dewi.find_element(By.ID, "claim").click()
    alert = WebDriverWait(dewi, 30).until(
        ready.presence_of_element_located((By.CSS_SELECTOR, ".problem"))
    )
    assert "Someone else holds this mention" in alert.text
    screenshot(dewi, "4-mention-conflict")

    # Anna: a note, a reply, a re-tag and the resolution, each on the shared timeline.
    anna.find_element(By.ID, "note-text").send_keys("Bea belde ook al; Service weet ervan.")
    anna.find_element(By.ID, "note").click()
    wait_text(anna, "timeline", "Bea belde ook al")
    anna.find_element(By.TAG_NAME, "body").send_keys("r")
    anna.switch_to.active_element.send_keys("Sorry Bea, we storten het dubbele bedrag terug.")
    # This organisation has no account on the platform: Anna answered by phone and records it
    anna.find_element(By.ID, "reply-elsewhere").click()
    anna.find_element(By.ID, "reply").click()
    wait_text(anna, "timeline", "we storten het dubbele bedrag terug")
    for box in anna.find_elements(By.CSS_SELECTOR, 'input[name="topics"]'):
        wanted = box.get_attribute("value") in ("complaints", "fundraising")
        if box.is_selected() != wanted:
            box.click()
    anna.find_element(By.ID, "retag").click()
    wait_text(anna, "topics", "complaints")
    anna.find_element(By.ID, "resolve").click()
    wait_text(anna, "status", "resolved")
    screenshot(anna, "5-mention-resolved")
    timeline = anna.find_element(By.ID, "timeline").text
    for kind in ("claimed", "note", "replied", "retagged", "resolved", "delivery", "routed"):
        assert kind in timeline, f"{kind} missing from the timeline"

    # The team page counts the reply as answered in time.
    deadline = time.monotonic() + 60
    while True:
        anna.get(f"{base}/team")
        cells = anna.find_elements(
            By.CSS_SELECTOR,
            'tr[data-department="fondsenwerving"][data-topic="fundraising"] .in-time',
        )
        if cells and cells[0].text == "1":
            break
        assert time.monotonic() < deadline, "the team page never counted the reply"
        time.sleep(1)
    screenshot(anna, "6-team")
    accessible(anna, "/team")

    anna.get(f"{base}/search?q=afgeschreven")
    assert anna.find_elements(By.CSS_SELECTOR, f'.item[data-mention="{mention_id}"]')
    screenshot(anna, "7-search")
    accessible(anna, "/search")
    anna.get(f"{base}/replies")
    accessible(anna, "/replies")


def test_every_page_at_360_px_in_dutch(stack: dict[str, Any], chromium: Callable[..., Any]) -> None:
    base = stack["inbox"]
    add_person(stack["env"], "lies", "--department", "fondsenwerving", "--role", "lead")
    mention_id = post_mention(stack["ingest"], f"narrow-{uuid.uuid4().hex[:8]}")
    phone = chromium(360, 800)
    phone.get(f"{base}/login")
    accessible(phone, "/login")
    sign_in(phone, base, "lies")
    for name, path in [
        ("inbox", "/inbox?department=fondsenwerving"),
        ("mention", f"/mentions/{mention_id}"),
        ("team", "/team"),
        ("search", "/search?q=donatie"),
        ("replies", "/replies"),
    ]:
        if name == "mention":
            deadline = time.monotonic() + 90
            while "Afdelingen en waarom" not in phone.page_source:
                assert time.monotonic() < deadline, "the mention never reached history"
                time.sleep(1)
                phone.get(f"{base}{path}")
        else:
            phone.get(f"{base}{path}")
        assert phone.execute_script("return document.documentElement.lang") == "nl"
        # a mobile viewport widens itself to fit what overflows: then it is not 360 any more
        width = phone.execute_script("return window.innerWidth")
        assert width == 360, f"{path} is {width}px wide at 360px"
        overflow = phone.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 360px"
        accessible(phone, f"{path} at 360px")
        screenshot(phone, f"narrow-{name}")
