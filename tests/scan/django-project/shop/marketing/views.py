from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def loops_webhook(request):
    # Standard Webhooks signature check elided in this layout sample.
    return HttpResponse(status=204)
