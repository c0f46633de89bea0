"""A QR code shown to another browser's camera: Chromium's fake camera plays a Y4M file, written from a
screenshot of the code on the other person's screen (RECIPES.md « A QR code through the camera »)."""

import base64
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Locator

FRAME_WIDTH = 640
FRAME_HEIGHT = 480

# A fixture's maker of new browser contexts allowed to use the fake camera (tests/e2e/conftest.py).
ContextFactory = Callable[..., BrowserContext]

FAKE_CAMERA_ARGS = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]

# Runs in a page of the app (its CSP allows data: images): the PNG centred on a white frame, as grey levels.
_TO_GREY = """
async ({ png, width, height }) => {
  const image = new Image();
  image.src = `data:image/png;base64,${png}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  const scale = Math.min(1, (0.9 * height) / image.height, (0.9 * width) / image.width);
  const w = Math.round(image.width * scale);
  const h = Math.round(image.height * scale);
  context.drawImage(image, Math.round((width - w) / 2), Math.round((height - h) / 2), w, h);
  const { data } = context.getImageData(0, 0, width, height);
  const grey = new Uint8Array(width * height);
  for (let i = 0; i < grey.length; i += 1) {
    grey[i] = Math.round(0.299 * data[4 * i] + 0.587 * data[4 * i + 1] + 0.114 * data[4 * i + 2]);
  }
  let text = '';
  for (let i = 0; i < grey.length; i += 0x8000) text += String.fromCharCode(...grey.subarray(i, i + 0x8000));
  return btoa(text);
}
"""


def y4m_frame(grey: bytes, width: int = FRAME_WIDTH, height: int = FRAME_HEIGHT) -> bytes:
    """One 4:2:0 frame: the grey plane, then both chroma planes at 128 (no colour)."""
    assert len(grey) == width * height
    chroma = bytes([128]) * ((width // 2) * (height // 2))
    header = f"YUV4MPEG2 W{width} H{height} F30:1 Ip A1:1 C420jpeg\n".encode()
    return header + b"FRAME\n" + grey + chroma + chroma


def blank_frame() -> bytes:
    return y4m_frame(bytes([255]) * (FRAME_WIDTH * FRAME_HEIGHT))


def show_to_camera(code: Locator, camera_file: Path) -> None:
    """Screenshots `code` (an element on one screen): the fake camera films it the next time it opens."""
    png = base64.b64encode(code.screenshot()).decode()
    grey = code.page.evaluate(_TO_GREY, {"png": png, "width": FRAME_WIDTH, "height": FRAME_HEIGHT})
    camera_file.write_bytes(y4m_frame(base64.b64decode(grey)))
