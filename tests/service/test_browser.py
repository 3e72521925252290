"""The web explorer in Debian's Chromium: load the map, search a word, read its neighbours; plotly HTML offline.

Needs /usr/bin/chromium and /usr/bin/chromedriver (apt packages chromium, chromium-driver; .ci/run
installs them). The browser runs with background networking off, so a page that tried to fetch
anything from the internet would fail to render.
"""

import contextlib
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from conftest import GROUPS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

# On a user's machine without Chromium these tests skip and say why; in CI (CI=true) they run and fail instead.
pytestmark = [
    pytest.mark.slow,  # a browser: the slow lane
    pytest.mark.skipif(
        not (shutil.which("chromium") and shutil.which("chromedriver")) and os.environ.get("CI") != "true",
        reason="needs chromium and chromium-driver (apt-get install chromium chromium-driver; .ci/run does it)",
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(app):
    """Run ``app`` with uvicorn on a free loopback port in a thread; yields its base URL."""
    import uvicorn

    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def server(planted_model):
    from embedlab.service.app import create_app

    with serving(create_app(str(planted_model))) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader",
                 "--use-angle=swiftshader", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}", "--window-size=1280,800"):  # fmt: skip
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def test_explorer_search_shows_neighbours(server, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server + "/")
    wait = WebDriverWait(browser, 30)
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
    assert "points" in browser.find_element(By.ID, "status").text
    box = browser.find_element(By.ID, "search")
    box.send_keys("cat", Keys.ENTER)
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#neighbours li")))
    items = [li.get_attribute("data-item") for li in browser.find_elements(By.CSS_SELECTOR, "#neighbours li")]
    assert len(items) == 10
    assert sum(w in GROUPS[0] or w.startswith("ctx0x") for w in items[:5]) >= 3
    # the map really drew something: the canvas is not one flat colour
    pixels = browser.execute_script(
        "const c = document.getElementById('map'); const g = c.getContext('webgl');"
        "const p = new Uint8Array(c.width * c.height * 4); g.readPixels(0, 0, c.width, c.height, g.RGBA, "
        "g.UNSIGNED_BYTE, p); let s = new Set(); for (let i = 0; i < p.length; i += 4 * 97) s.add(p[i]); return s.size;"
    )
    assert pixels > 1
    # 64 categories, 64 colours: no two categories share one (ten colours used to repeat)
    assert browser.execute_script("return new Set(PALETTE.map((c) => c.map((v) => v.toFixed(3)).join())).size") == 64
    # click the point in the middle of the map (the search centred it): its neighbours come back
    from selenium.webdriver.common.action_chains import ActionChains

    browser.execute_script("document.getElementById('neighbours').innerHTML = '';")
    ActionChains(browser).move_to_element(browser.find_element(By.ID, "map")).click().perform()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#neighbours li")))
    assert browser.find_element(By.ID, "neighbours-of").get_attribute("textContent") == "of cat"
    # an unknown word gives a readable message, not a broken page
    box.clear()
    box.send_keys("zebra", Keys.ENTER)
    wait.until(lambda d: "not in the vocabulary" in d.find_element(By.ID, "status").text)
    # an analogy through the page
    for field, word in (("an-a", "cat"), ("an-b", "dog"), ("an-c", "red")):
        browser.find_element(By.ID, field).send_keys(word)
    browser.find_element(By.CSS_SELECTOR, "#analogy-form button").click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#analogy li")))
    shot = Path(os.environ.get("EMBEDLAB_SCREENSHOT_DIR", tmp_path)) / "explorer.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000


@pytest.mark.slow
def test_explorer_explains_why_two_points_are_close(server, browser, tmp_path):
    """The why-panel (bars for words, a heat map for texts), the UMAP map swapped in when ready, labels of
    frequent points, and the colouring switch."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser.get(server + "/")
    wait = WebDriverWait(browser, 180)
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
    # the neighbourhood map replaces PCA once the server has computed it
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-map") == "umap")
    assert "UMAP" in browser.find_element(By.ID, "status").text
    assert int(browser.find_element(By.ID, "labels").get_attribute("data-count")) > 5

    def ask_why(a, b):
        for field, text in (("why-a", a), ("why-b", b)):
            browser.find_element(By.ID, field).clear()
            browser.find_element(By.ID, field).send_keys(text)
        browser.find_element(By.CSS_SELECTOR, "#why-form button").click()

    # two words: the dimensions that carry their cosine, as bars
    ask_why("cat", "dog")
    wait.until(lambda d: d.find_elements(By.ID, "why-score"))
    assert "(dimensions)" in browser.find_element(By.ID, "why-score").text
    assert len(browser.find_elements(By.CSS_SELECTOR, "#why .bar")) >= 10
    # two texts: words of each side as bars and the word x word heat map
    ask_why("cat dog red", "horse blue")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#why table.heat"))
    assert "(pooled)" in browser.find_element(By.ID, "why-score").text
    assert len(browser.find_elements(By.CSS_SELECTOR, "#why table.heat td")) == 3 * 2
    shot = Path(os.environ.get("EMBEDLAB_SCREENSHOT_DIR", tmp_path)) / "explorer-why.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    # shift-click two points on the map: the panel explains them
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser.execute_script(
        "document.getElementById('why').innerHTML = '';"
        "for (const id of ['why-a', 'why-b']) document.getElementById(id).value = '';"
    )
    spots = browser.execute_script(  # offsets of points 0 and 1 from the canvas's centre
        "const s = toScreen(); return [0, 1].map((i) => [s.at(i)[0] - s.width / 2, s.at(i)[1] - s.height / 2]);"
    )
    canvas = browser.find_element(By.ID, "map")
    for dx, dy in spots:
        ActionChains(browser).key_down(Keys.SHIFT).move_to_element_with_offset(canvas, int(dx), int(dy)).click().key_up(
            Keys.SHIFT
        ).perform()
    wait.until(lambda d: d.find_elements(By.ID, "why-score"))
    assert browser.find_element(By.ID, "why-a").get_attribute("value") and browser.find_element(
        By.ID, "why-b"
    ).get_attribute("value")
    # colour by k-means clusters instead of frequency
    Select(browser.find_element(By.ID, "color-select")).select_by_value("cluster")
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-coloring") == "cluster")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#legend div")) == 12


def test_plotly_html_renders_offline(planted_model, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from embedlab.io import load
    from embedlab.viz.plots import plot_words

    out = plot_words(load(planted_model), GROUPS[0] + GROUPS[2], tmp_path / "map.html")
    browser.get(out.as_uri())
    WebDriverWait(browser, 30).until(lambda d: d.execute_script("return typeof Plotly !== 'undefined'"))
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".main-svg"))
    labels = {t.text for t in browser.find_elements(By.CSS_SELECTOR, "g.textpoint text")}
    assert {"cat", "paris", "seoul"} <= labels
    browser.save_screenshot(str(tmp_path / "plot.png"))
    assert (tmp_path / "plot.png").stat().st_size > 10_000


@pytest.mark.slow
def test_explorer_draws_a_million_points(browser):
    import numpy as np
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    from embedlab.service.app import create_app
    from embedlab.service.served import Served
    from embedlab.vectors.keyed import KeyedVectors

    n = 1_000_000
    vecs = np.random.default_rng(0).standard_normal((n, 16), dtype=np.float32)
    kv = KeyedVectors([f"w{i}" for i in range(n)], vecs, counts=np.arange(n, 0, -1))
    with serving(create_app(Served("words", "million", 16, kv=kv, encoder=None))) as url:
        browser.get(url + "/")
        wait = WebDriverWait(browser, 120)
        wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
        assert browser.find_element(By.ID, "status").text.startswith("1,000,000 points")
        assert browser.execute_script("return document.getElementById('map').width") > 100
        browser.find_element(By.ID, "search").send_keys("w999999", Keys.ENTER)
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#neighbours li")) == 10)
        want = [w for w, _ in kv.most_similar("w999999", topn=10)]
        got = [li.get_attribute("data-item") for li in browser.find_elements(By.CSS_SELECTOR, "#neighbours li")]
        assert got == want


def test_explorer_asks_for_the_api_key(planted_model, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    from embedlab.service.app import create_app

    with serving(create_app(str(planted_model), api_key="s3cret")) as url:
        browser.get(url + "/")
        wait = WebDriverWait(browser, 30)
        alert = wait.until(EC.alert_is_present())  # the first /v1 call got 401: the page asks once
        alert.send_keys("s3cret")
        alert.accept()
        wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
        assert "points" in browser.find_element(By.ID, "status").text
        assert browser.execute_script("return sessionStorage.getItem('embedlab-api-key')") == "s3cret"
        browser.execute_script("sessionStorage.clear()")
