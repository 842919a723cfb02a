from django.urls import path

from .views import activities, letters, public, receipts

app_name = "families"
urlpatterns = [
    # public, first: the receipt page is the busiest route (URL resolution walks the list in order)
    path("r/<str:token>/", public.receipt_page, name="receipt"),
    path("", letters.letter_list, name="letter_list"),
    path("letters/new/", letters.letter_create, name="letter_create"),
    path("letters/<int:pk>/", letters.letter_detail, name="letter_detail"),
    path("letters/<int:pk>/edit/", letters.letter_edit, name="letter_edit"),
    path("letters/<int:pk>/publish/", letters.letter_publish, name="letter_publish"),
    path("letters/<int:pk>/archive/", letters.letter_archive, name="letter_archive"),
    path("letters/<int:pk>/remind/", letters.letter_remind, name="letter_remind"),
    path("letters/<int:pk>/receipts.xlsx", receipts.school_ledger, name="school_ledger"),
    path("letters/<int:pk>/archive.pdf", receipts.school_archive, name="school_archive"),
    path("letters/<int:pk>/classes/<int:class_pk>/", receipts.class_receipts, name="class_receipts"),
    path("letters/<int:pk>/classes/<int:class_pk>/letters.pdf", receipts.class_pdf, name="class_pdf"),
    path("activities/", activities.activity_list, name="activity_list"),
    path("activities/new/", activities.activity_create, name="activity_create"),
]
