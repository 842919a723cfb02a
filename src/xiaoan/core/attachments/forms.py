from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(label=_("文件"), max_length=255)
    description = forms.CharField(label=_("说明"), max_length=200, required=False)

    def service_args(self) -> dict[str, Any]:
        return {"description": self.cleaned_data["description"]}

    def first_error(self) -> str:
        return next((str(error) for errors in self.errors.values() for error in errors), "")
