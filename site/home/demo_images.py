"""The demo's images, drawn with Pillow when the demo is set up: nothing is downloaded (W1).

A hero image for the home pages, one image per theme and one teaser per event. They are stored
as Wagtail images in a "Demo images" collection; running again reuses them (by title)."""

import colorsys
import hashlib
import io
import math

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.images import get_image_model
from wagtail.models import Collection

COLLECTION = "Demo images"
THEME_HUES = {"THEATRE": 0.98, "MUSIC": 0.6, "DANCE": 0.8, "EXHIBITION": 0.1}


def _collection():
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    found = root.get_children().filter(name=COLLECTION).first()
    return found or root.add_child(name=COLLECTION)


def _rgb(h, s, v):
    return tuple(int(255 * c) for c in colorsys.hsv_to_rgb(h % 1, s, v))


def draw(seed, text, size=(1600, 900), hue=None):
    """A stage-like picture: a dark gradient, spotlights, lamps and, if given, a text."""
    digest = hashlib.sha256(seed.encode()).digest()
    hue = digest[0] / 255 if hue is None else hue
    width, height = size
    image = PILImage.new("RGB", size, _rgb(hue, 0.6, 0.15))
    pixels = ImageDraw.Draw(image)
    for y in range(height):  # vertical gradient
        pixels.line([(0, y), (width, y)], fill=_rgb(hue, 0.7, 0.12 + 0.45 * y / height))
    glow = PILImage.new("RGB", size, (0, 0, 0))
    lights = ImageDraw.Draw(glow)
    for i in range(4):  # spotlights from above
        x = width * (0.15 + 0.7 * digest[i + 1] / 255)
        spread = width * (0.08 + 0.1 * digest[i + 5] / 255)
        lights.polygon(
            [(x - 10, 0), (x + 10, 0), (x + spread, height), (x - spread, height)],
            fill=_rgb(hue + 0.08 * i, 0.35, 0.55),
        )
    image = PILImage.blend(image, glow, 0.35)
    pixels = ImageDraw.Draw(image)
    for i in range(6):  # circles: the stage's lamps
        r = height * (0.04 + 0.1 * digest[i + 9] / 255)
        cx = width * digest[i + 15] / 255
        cy = height * (0.55 + 0.4 * math.sin(digest[i + 21]))
        pixels.ellipse(
            [cx - r, cy - r, cx + r, cy + r], outline=_rgb(hue + 0.5, 0.5, 0.95), width=6
        )
    if not text:
        return image
    font = ImageFont.load_default(size=max(36, int(height / 7)))
    box = pixels.textbbox((0, 0), text, font=font)
    while box[2] - box[0] > width * 0.9 and font.size > 24:
        font = ImageFont.load_default(size=int(font.size * 0.85))
        box = pixels.textbbox((0, 0), text, font=font)
    x = (width - (box[2] - box[0])) / 2
    y = height * 0.62
    pixels.text((x + 4, y + 4), text, font=font, fill=(0, 0, 0))
    pixels.text((x, y), text, font=font, fill=(255, 255, 255))
    return image


def demo_image(title, text="", size=(1600, 900), hue=None):
    """The Wagtail image called `title`, drawn once."""
    Image = get_image_model()
    found = Image.objects.filter(title=title, collection__name=COLLECTION).first()
    if found is not None:
        return found
    buffer = io.BytesIO()
    draw(title, text, size, hue).save(buffer, "JPEG", quality=82)
    slug = hashlib.sha1(title.encode()).hexdigest()[:10]
    image = Image(title=title, collection=_collection())
    image.file = ImageFile(buffer, name=f"demo-{slug}.jpg")
    image.save()
    return image


def hero_image():
    return demo_image("The CUBE — hero", size=(1920, 800), hue=0.97)


def theme_image(code, name):
    return demo_image(f"Theme {code}", size=(800, 400), hue=THEME_HUES.get(code))


def attach_event_teasers():
    """Each event page without a teaser image gets one, the same in every language."""
    from secutix_integration.pages import get_event_page_model

    EventPage = get_event_page_model()
    changed = 0
    for page in EventPage.objects.filter(teaser_image__isnull=True):
        codes = [t["code"] for t in page.themes or [] if not t.get("parentCode")]
        hue = THEME_HUES.get(codes[0]) if codes else None
        image = demo_image(f"Event {page.product_code}", hue=hue)
        page.teaser_image = image
        revision = page.save_revision()
        if page.live:
            revision.publish()
        changed += 1
    return changed
