"""The phones of issue 20's checks, as Playwright describes them
(``playwright.devices``; its default browser aside: they run in our
Chromium).  Module constants, for tests that open their page before any
fixture could give them (the ``appareil`` fixture reads them live)."""

IPHONE_13 = {
    "user_agent": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 15_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/27.2 Mobile/15E148 Safari/604.1"
    ),
    "viewport": {"width": 390, "height": 664},
    "screen": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
PIXEL_7 = {
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/159.0.8154.6 Mobile Safari/537.36"
    ),
    "viewport": {"width": 412, "height": 839},
    "screen": {"width": 412, "height": 915},
    "device_scale_factor": 2.625,
    "is_mobile": True,
    "has_touch": True,
}
