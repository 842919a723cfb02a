from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from xiaoan.core.errors import InvalidInput
from xiaoan.core.scoping import ensure_allowed, get_policy

from . import services
from .forms import RuleChangeForm
from .registry import RULES


@login_required
def rule_list(request):
    ensure_allowed(request.user, "rules.rulevalue.view")
    rows = [
        {"spec": spec, "value": services.get_rule(spec.key), "history": services.rule_history(spec.key)}
        for spec in sorted(RULES.values(), key=lambda s: (s.group, s.key))
    ]
    can_change = get_policy().allows(request.user, "rules.rulevalue.change")
    return render(request, "rules/list.html", {"rows": rows, "can_change": can_change, "page_title": _("规则设置")})


@login_required
def rule_change(request, key: str):
    ensure_allowed(request.user, "rules.rulevalue.change")
    spec = RULES.get(key)
    if spec is None:
        raise Http404
    form = RuleChangeForm(request.POST or None, initial={"value": services.get_rule(key)})
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_set(
                actor=request.user,
                key=key,
                raw_value=form.cleaned_data["value"],
                valid_from=form.cleaned_data["valid_from"],
                note=form.cleaned_data["note"],
            )
        except InvalidInput as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("已保存，自生效日期起适用。 Saved; it applies from the date given."))
            return redirect("rules:list")
    context = {"form": form, "spec": spec, "history": services.rule_history(key), "page_title": spec.label}
    return render(request, "rules/change.html", context)
