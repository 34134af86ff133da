"""Labels inside a sentence."""

from django import template

register = template.Library()


@register.filter
def lowerfirst(label):
    """A label as it reads mid-sentence: "Disetujui TAPD" → "disetujui TAPD" (|lower would give "tapd")."""
    text = str(label)
    return text[:1].lower() + text[1:]
