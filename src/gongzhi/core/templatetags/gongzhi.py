from django import template

from gongzhi.core.masking import mask_id_number, mask_phone

register = template.Library()


@register.filter
def masked_phone(value):
    return mask_phone(value)


@register.filter
def masked_id(value):
    return mask_id_number(value)


@register.filter
def styled(field):
    """A filter form's field as a small Bootstrap control (a select styled as one, the rest as
    inputs), so the list pages' filter rows line up on a phone; its own attributes are kept."""
    from django import forms

    widget = field.field.widget
    kind = "form-select form-select-sm" if isinstance(widget, (forms.Select, forms.SelectMultiple)) \
        else "form-control form-control-sm"
    classes = f"{widget.attrs.get('class', '')} {kind}".strip()
    return field.as_widget(attrs={"class": classes})
