"""The journey a new user takes, in real Chromium: sign up → try the sandbox → orders in the dashboard → the held
order fixed by mapping its SKU → it posts at the next simulated Web Connector update → the audit search shows the
qbXML. A screenshot of each page lands in ``test-artifacts/screenshots/``."""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path

import pytest

from mlconnector.connectors.commerce.sandbox.store import UNMAPPED_NAME, UNMAPPED_SKU

pytestmark = pytest.mark.slow
PASSWORD = "four unrelated words here"
WAIT_SECONDS = 45.0


async def _shoot(page, folder: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    await page.screenshot(path=str(folder / f"sandbox-{name}.png"), full_page=True)


async def _reload_until(page, find, seconds: float = WAIT_SECONDS) -> None:  # type: ignore[no-untyped-def]
    """Reload until ``find(page)`` locates something visible (the simulated Web Connector keeps its own rhythm)."""
    deadline = time.monotonic() + seconds
    while True:
        if await find(page).first.is_visible():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{find(page)} did not appear on {page.url} within {seconds} s")
        await page.wait_for_timeout(1000)
        await page.reload()


def _row(page, state: str, text: str):  # type: ignore[no-untyped-def]
    """A documents-table row in ``state`` that mentions ``text``."""
    return page.locator("tr", has=page.locator(f".badge.{state}")).filter(has_text=text)


async def test_sandbox_journey(chromium: Path, live_server: str, screenshots: Path) -> None:
    from playwright.async_api import async_playwright, expect

    async with async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        page = await browser.new_page(viewport={"width": 1280, "height": 900})
        try:
            await page.goto(f"{live_server}/signup")
            await _shoot(page, screenshots, "01-signup")
            await page.get_by_label("Business name").fill("Harbour Bikes")
            await page.get_by_label("Email").fill(f"owner-{uuid.uuid4().hex[:6]}@example.com")
            await page.get_by_label("Password").fill(PASSWORD)
            await page.get_by_role("button", name="Create account").click()
            await expect(page.get_by_role("button", name="Try the sandbox")).to_be_visible()
            await _shoot(page, screenshots, "02-after-signup")

            await page.get_by_role("button", name="Try the sandbox").click()
            await expect(page.get_by_role("note", name="Sandbox")).to_be_visible()
            await expect(page.get_by_text("Your sandbox is ready")).to_be_visible()
            dashboard = page.url
            await _shoot(page, screenshots, "03-sandbox-dashboard")

            await page.goto(dashboard.rstrip("/") + "/documents")
            await _reload_until(page, lambda p: _row(p, "posted", "invoice"))
            await expect(_row(page, "held", UNMAPPED_SKU)).to_be_visible()
            await expect(page.get_by_role("note", name="Sandbox")).to_be_visible()
            await _shoot(page, screenshots, "04-documents-posted")

            await page.goto(dashboard)
            await _reload_until(page, lambda p: p.get_by_label(f"QuickBooks item for SKU {UNMAPPED_SKU}"))
            await _shoot(page, screenshots, "05-hold")
            held = page.locator("ul.holds li").filter(has_text=UNMAPPED_SKU).first
            number = re.search(r"Invoice (\S+)", await held.locator("strong").inner_text())
            assert number, await held.inner_text()
            await held.get_by_label(f"QuickBooks item for SKU {UNMAPPED_SKU}").fill(UNMAPPED_NAME)
            await held.get_by_role("button", name="Save mapping and post again").click()
            await _shoot(page, screenshots, "06-mapped")

            audit = f"{dashboard.rstrip('/')}/audit?number={number.group(1)}"
            await page.goto(audit)
            await _reload_until(page, lambda p: p.get_by_text("In the books:"))
            await page.get_by_text("qbXML sent").last.click()
            await page.get_by_text("QuickBooks' answer").last.click()  # kept with the posting since plugin API 1.4
            await expect(page.locator("pre.qbxml").filter(has_text="<InvoiceAddRq").last).to_be_visible()
            await expect(page.locator("pre.qbxml").filter(has_text=UNMAPPED_NAME).last).to_be_visible()
            await expect(page.locator("pre.qbxml").filter(has_text="<InvoiceAddRs").last).to_be_visible()
            await _shoot(page, screenshots, "07-audit-qbxml")
        finally:
            await browser.close()
