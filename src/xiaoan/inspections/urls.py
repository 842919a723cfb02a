from django.urls import path

from .views import campaigns, checklists, inspections, ledger

app_name = "inspections"
urlpatterns = [
    path("", inspections.due, name="due"),
    path("templates/", checklists.template_list, name="template_list"),
    path("templates/new/", checklists.template_create, name="template_create"),
    path("templates/<int:pk>/", checklists.template_detail, name="template_detail"),
    path("templates/<int:pk>/edit/", checklists.template_edit, name="template_edit"),
    path("templates/<int:pk>/sections/", checklists.section_add, name="section_add"),
    path("templates/<int:pk>/items/", checklists.item_add, name="item_add"),
    path("templates/<int:pk>/items/<int:item_pk>/remove/", checklists.item_remove, name="item_remove"),
    path("plans/", inspections.plan_list, name="plan_list"),
    path("plans/new/", inspections.plan_create, name="plan_create"),
    path("plans/<int:pk>/toggle/", inspections.plan_toggle, name="plan_toggle"),
    path("records/", inspections.inspection_list, name="inspection_list"),
    path("records/start/", inspections.start, name="start"),
    path("records/<int:pk>/", inspections.inspection_detail, name="inspection_detail"),
    path("records/<int:pk>/fill/", inspections.inspection_fill, name="inspection_fill"),
    path("campaigns/", campaigns.campaign_list, name="campaign_list"),
    path("campaigns/new/", campaigns.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("ledger/", ledger.fire_ledger, name="fire_ledger"),
]
