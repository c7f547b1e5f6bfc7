"""StreamField blocks of the website's event and home pages (the bakerydemo habit: one module)."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(required=False, label=_("Caption"))
    alt = blocks.CharBlock(
        required=False,
        label=_("Alternative text"),
        help_text=_("What the image shows, for visitors who cannot see it."),
    )

    class Meta:
        icon = "image"
        label = _("Image")
        template = "events/blocks/image.html"


class GalleryBlock(blocks.StructBlock):
    title = blocks.CharBlock(required=False, label=_("Title"))
    images = blocks.ListBlock(ImageChooserBlock(), label=_("Images"))

    class Meta:
        icon = "image"
        label = _("Gallery")
        template = "events/blocks/gallery.html"


class ImageBlock(ImageChooserBlock):
    """A plain image of older pages: rendered responsive (srcset) like the others."""

    class Meta:
        icon = "image"
        label = _("Image")
        template = "events/blocks/plain_image.html"


class EventBodyBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(label=_("Text"))
    image = ImageBlock()
    captioned_image = CaptionedImageBlock()
    video = EmbedBlock(label=_("Video"), help_text=_("A link to a video (YouTube, Vimeo…)."))
    gallery = GalleryBlock()


class ThemeLinkBlock(blocks.StructBlock):
    """An entry point of the home page to one theme of the programme."""

    code = blocks.CharBlock(label=_("Theme code"), help_text=_("As in the ticketshop, e.g. MUSIC."))
    label = blocks.CharBlock(
        required=False, label=_("Label"), help_text=_("The theme's name if left empty.")
    )
    image = ImageChooserBlock(required=False, label=_("Image"))

    class Meta:
        icon = "tag"
        label = _("Theme")
