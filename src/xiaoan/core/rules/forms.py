from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RuleChangeForm(forms.Form):
    value = forms.CharField(label=_("新取值"), max_length=500)
    valid_from = forms.DateField(label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("依据/说明"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid_from"].initial = timezone.localdate()
