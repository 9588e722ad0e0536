from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse("")


proposal_list = proposal_create = proposal_detail = proposal_edit = proposal_withdraw = _todo
vote = proposal_report = comment_create = comment_edit = comment_delete = comment_report = _todo
