"""The market's API (issue 10) in the scope matrix: needs, offers, matches and agreements of
another zone answer like missing ones (the objects are those of industry_enterprises)."""
from tests.test_scope_matrix import GET, POST, on

API = {
    "GET /industry/needs": on(None, lambda o: {}, methods=(GET,), query=lambda o: {"status": "open"}),
    "GET /industry/needs#enterprise_id": on("enterprise", lambda o: {}, methods=(GET,),
                                            query=lambda o: {"enterprise_id": o.pk}),
    "GET /industry/needs/{need_id}": on("need", lambda o: {"need_id": o.pk}, methods=(GET,)),
    "POST /industry/needs": on("enterprise", lambda o: {}, methods=(POST,), json_body=True, body=lambda o: {
        "enterprise_id": o.pk, "kind": "funding", "text": "矩阵需求"}),
    "POST /industry/needs/{need_id}/solve": on("need", lambda o: {"need_id": o.pk}, methods=(POST,), json_body=True,
                                               body=lambda o: {"outcome": "已解决"}),
    "GET /industry/offers": on(None, lambda o: {}, methods=(GET,)),
    "POST /industry/offers": on("enterprise", lambda o: {}, methods=(POST,), json_body=True, body=lambda o: {
        "enterprise_id": o.pk, "kind": "funding", "text": "矩阵供给"}),
    "POST /industry/matches/{match_id}/confirm": on("match", lambda o: {"match_id": o.pk}, methods=(POST,),
                                                    json_body=True, body=lambda o: {}),
    "POST /industry/matches/{match_id}/reject": on("match", lambda o: {"match_id": o.pk}, methods=(POST,)),
    "GET /industry/agreements": on(None, lambda o: {}, methods=(GET,)),
    "POST /industry/agreements": on("enterprise", lambda o: {}, methods=(POST,), json_body=True, body=lambda o: {
        "title": "矩阵协议", "party_ids": [o.pk]}),
    "POST /industry/agreements#need_id": on("need", lambda o: {}, methods=(POST,), json_body=True, body=lambda o: {
        "title": "矩阵协议", "party_ids": [], "need_id": o.pk}),
}
