"""The headline figures in the JSON API."""
from ninja import Router

from gongzhi.api.common import answers

from .figures import current_figures

router = Router(tags=["figures"])


@router.get("/figures", response=answers(dict[str, float]), summary="The headline figures, counted from the records")
def get_figures(request):
    return current_figures()
