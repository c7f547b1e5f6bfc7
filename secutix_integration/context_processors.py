from secutix_integration.contact_cookie import visitor_from_request


def visitor(request):
    """`stx_visitor`: the signed-in visitor read from the ticketshop's contact cookie, or None."""
    return {"stx_visitor": visitor_from_request(request)}
