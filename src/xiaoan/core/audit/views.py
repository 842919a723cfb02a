from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import selectors
from .forms import AuditFilterForm

PAGE_SIZE = 50


@login_required
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    tab = "changes" if filters.get("tab") == "changes" else "events"
    select = selectors.visible_changes if tab == "changes" else selectors.visible_events
    page = Paginator(select(request.user, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "tab": tab, "query": query.urlencode(), "page_title": _("审计日志")}
    return render(request, "audit/list.html", context)
