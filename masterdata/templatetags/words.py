"""Labels inside a sentence."""

from django import template

register = template.Library()


@register.filter
def lowerfirst(label):
    """A label as it reads mid-sentence: "Disetujui TAPD" → "disetujui TAPD" (|lower would give "tapd")."""
    text = str(label)
    return text[:1].lower() + text[1:]


@register.filter
def lookup(mapping, key):
    """`{{ realized|lookup:opd.code }}`: a mapping's value for a key of the row being shown, or None."""
    return mapping.get(key) if mapping else None
