from .policy import active_membership


class ActiveMembershipMiddleware:
    """Resolves the identity the user acts as, once per request, for the policy and the templates."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = active_membership(request.user)
        return self.get_response(request)
