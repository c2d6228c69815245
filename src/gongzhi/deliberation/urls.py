from .views import decisions, meetings, party_life, proposals, public, votes

app_name = "deliberation"
urlpatterns = [
    *proposals.urlpatterns,
    *meetings.urlpatterns,
    *votes.urlpatterns,
    *decisions.urlpatterns,
    *party_life.urlpatterns,
    *public.urlpatterns,
]
