"""The stepper in a real browser (headless Chromium on a Voilà page): it renders, steps, and checks answers.

One page for the module (starting a kernel is the slow part); the tests run in order on it.
"""

import pytest
from live_page import live_page, needs_live_page

pytestmark = needs_live_page

STEPPER = (
    "from demos.chain_rule import build\n"
    "from autograd.widgets import Stepper\n"
    "Stepper(build()['f'], mode='lecture', exercise=True, rankdir='TB')"
)


@pytest.fixture(scope="module")
def live(chromium_browser):
    with live_page(chromium_browser, STEPPER, wait_for=".bpl-stepper svg") as page:
        yield page


def frame_title(page) -> str:
    return page.locator(".bpl-picture svg > g > text").first.text_content()


def test_the_page_renders_offline(live):
    page = live.page
    assert page.inner_text(".bpl-counter") == "frame 1 of 13"
    assert frame_title(page).startswith("Given: a = 1, b = 2, c = 3, d = 4")
    assert page.locator(".bpl-leaf").count() == 4
    assert live.outside == [] and live.errors == []


def test_next_changes_the_frame_and_the_arrow_keys_too(live):
    page = live.page
    page.click(".bpl-next")
    page.wait_for_function("document.querySelector('.bpl-counter').textContent === 'frame 2 of 13'")
    assert frame_title(page).startswith("Step 1 of 12, forward: g = a + b = 1 + 2 = 3")
    page.focus(".bpl-stepper")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.querySelector('.bpl-counter').textContent === 'frame 3 of 13'")
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("document.querySelector('.bpl-counter').textContent === 'frame 2 of 13'")


def answer(page, key: str, text: str):
    field = page.locator(f'.bpl-answer[data-key="{key}"]')
    field.fill(text)
    field.press("Enter")
    page.wait_for_selector(f'.bpl-feedback[data-key="{key}"]')
    return page.locator(f'.bpl-feedback[data-key="{key}"]')


def test_a_right_and_a_wrong_answer_get_their_feedback(live):
    page = live.page
    # frame 2: g = 3 is known; h, i, f and every gradient are fields
    assert page.locator('.bpl-answer[data-key="data:g"]').count() == 0
    right = answer(page, "data:h", "7")
    assert right.get_attribute("class") == "bpl-feedback bpl-right"
    assert "right: 7" in right.inner_text()
    wrong = answer(page, "grad:g", "42")
    assert "bpl-wrong" in wrong.get_attribute("class")
    assert "df/dg = ∂i/∂g (local) × df/di (upstream)" in wrong.inner_text()
    assert "bpl-wrong" in page.locator('.bpl-answer[data-key="grad:g"]').get_attribute("class")
    assert page.inner_text(".bpl-score") == "score: 1 of 2 right"


def test_show_fills_in_the_answers(live):
    page = live.page
    page.click(".bpl-show")
    page.wait_for_function("document.querySelector('.bpl-answer[data-key=\"grad:a\"]').value === '294'")
    page.click(".bpl-show")


def test_a_click_on_a_node_and_an_edited_input(live):
    page = live.page
    page.keyboard.press("End")
    page.wait_for_function("document.querySelector('.bpl-counter').textContent === 'frame 13 of 13'")
    node = page.locator("g.node", has=page.locator("xpath=./*[local-name()='title' and text()='v6']"))
    node.locator("text").first.click()
    page.wait_for_selector(".bpl-edges")
    assert "i = g * h: value 21, df/di = 42" in page.inner_text(".bpl-details-head")
    assert "294" in page.inner_text(".bpl-edges")  # ∂i/∂g = 7 times df/di = 42
    leaf = page.locator('.bpl-leaf[data-name="a"]')
    leaf.fill("2")
    leaf.press("Enter")  # g = 4, i = 28, f = 784: every frame drawn again in the kernel
    page.wait_for_function("document.querySelector('.bpl-picture svg').textContent.includes('data 784')")


def test_a_german_page(chromium_browser):
    german = STEPPER.replace("exercise=True,", "exercise=True, language='de',")
    with live_page(chromium_browser, german, wait_for=".bpl-stepper svg") as live:
        page = live.page
        assert page.inner_text(".bpl-counter") == "Bild 1 von 13"
        assert page.inner_text(".bpl-next") == "weiter ▶" and page.inner_text(".bpl-show") == "Lösungen zeigen"
        right = answer(page, "data:h", "7")
        assert "Wert von h: richtig: 7" in right.inner_text()
        assert page.inner_text(".bpl-score") == "Punkte: 1 von 1 richtig"
        assert live.outside == [] and live.errors == []
