from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError
from gongzhi.core.text import LONG_TEXT
from gongzhi.territory.geometry import locate
from gongzhi.territory.identity import normalize_phone
from gongzhi.territory.models import Building

from . import photos as case_photos
from .models import Category, Channel, Rating


def category_choices():
    """小类 grouped under their 大类, for a <select> with <optgroup>s."""
    groups = {}
    for c in Category.objects.filter(active=True, parent__isnull=False).select_related("parent").order_by("code"):
        groups.setdefault(c.parent.local_name, []).append((c.pk, c.local_name))
    return [("", "—")] + list(groups.items())


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ReportForm(forms.Form):
    """What a resident fills in on the phone page.

    Every check that can be made before filing is made here, so that all errors show at once
    (the place and the phone included). ``anonymous``: a phone is then required. ``kept``: how
    many photos are kept from a failed submit (they count against the limit). The photos that
    passed their check are in ``good_photos`` even when the form fails, to be kept for the next try.
    """

    place_message = _("Place the problem on the map.")

    category = forms.TypedChoiceField(label=_("Kind of problem"), coerce=int)
    title = forms.CharField(label=_("In a few words"), max_length=100)
    description = forms.CharField(label=_("What is wrong, and where exactly?"), widget=forms.Textarea(attrs={"rows": 4}), max_length=LONG_TEXT)
    lat = forms.FloatField(widget=forms.HiddenInput, required=False)
    lng = forms.FloatField(widget=forms.HiddenInput, required=False)
    address = forms.CharField(label=_("Address or landmark"), max_length=200, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    photos = MultipleFileField(label=_("Photos (up to 9)"), required=False)

    def __init__(self, *args, anonymous=False, kept=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept, self.good_photos = kept, []
        self.fields["category"].choices = category_choices()
        if anonymous:
            self.fields["contact_phone"].required = True
            self.fields["contact_phone"].error_messages["required"] = _("Leave a contact phone so that we can answer you.")

    def clean_category(self):
        try:
            return Category.objects.get(pk=self.cleaned_data["category"], active=True, parent__isnull=False)
        except Category.DoesNotExist:
            raise forms.ValidationError(_("Choose the kind of problem."))

    def clean_contact_phone(self):
        phone = self.cleaned_data["contact_phone"]
        try:
            return normalize_phone(phone, field="contact_phone") if phone else ""
        except DomainError as error:
            raise forms.ValidationError(error.text)

    def clean_photos(self):
        files = self.cleaned_data["photos"]
        if self.kept + len(files) > case_photos.MAX_PHOTOS_PER_CASE:  # before any decoding
            raise forms.ValidationError(_("A case can have at most %(n)d photos."), params={"n": case_photos.MAX_PHOTOS_PER_CASE})
        problems = []
        for upload in files:
            try:
                self.good_photos.append(case_photos.prepare(upload))  # checked and encoded once, here
            except DomainError as error:
                problems.append(f"{(upload.name or '')[:40]}: {error.text}")
        if problems:
            raise forms.ValidationError(problems)
        return self.good_photos

    def has_other_place(self, data):
        return False

    def clean(self):
        data = super().clean()
        lat, lng = data.get("lat"), data.get("lng")
        if lat is not None and lng is not None:
            try:
                locate(lat, lng)
            except DomainError as error:
                self.add_error("lat", error.text)
        elif not self.has_other_place(data) and not self.has_error("lat") and not self.has_error("lng"):
            self.add_error("lat", self.place_message)
        return data


class RecordForm(ReportForm):
    """What a grid worker records on patrol, at a meeting or from the hotline."""

    channel = forms.ChoiceField(label=_("Heard through"), choices=[c for c in Channel.choices if c[0] in ("patrol", "meeting", "hotline")])
    source_detail = forms.CharField(label=_("Meeting or source"), max_length=50, required=False,
                                    help_text=_("e.g. 说七说八, 楼长夜话, 民声七点办"))
    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none(), required=False)

    place_message = _("Place the problem on the map or choose a building.")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.visible_to(user).select_related("estate")
        self.fields["contact_phone"].label = _("Resident's phone (optional)")

    def has_other_place(self, data):
        return data.get("building") is not None


class RateForm(forms.Form):
    rating = forms.ChoiceField(label=_("How satisfied are you?"), choices=Rating.choices, widget=forms.RadioSelect)
    solved = forms.TypedChoiceField(label=_("Was the problem solved?"), choices=[("1", _("Yes")), ("0", _("No"))],
                                    coerce=lambda v: v == "1", widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
