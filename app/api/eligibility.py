"""``POST /api/v1/eligibility/evaluate``: the engine's HTTP door.

The body is answered with exactly the bytes :func:`app.rules.dumps` gives the Python and CLI doors.
"""
from __future__ import annotations

from flask import Response, request
from flask_appbuilder.api import BaseApi, expose
from flask_appbuilder.security.decorators import protect

from app.rules.jsonout import answer
from app.services.rules import current_rules


def _json(body: str, status: int) -> Response:
    return Response(body + "\n", status=status, mimetype="application/json")


class EligibilityApi(BaseApi):
    resource_name = "eligibility"
    class_permission_name = "EligibilityApi"
    method_permission_name = {"evaluate": "post"}
    openapi_spec_tag = "Eligibility"

    @expose("/evaluate", methods=["POST"])
    @protect()
    def evaluate(self) -> Response:
        """Evaluate one application against the county's rules in force on its date.
        ---
        post:
          summary: Evaluate an application (spec/evaluation.md)
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
          responses:
            200:
              description: The verdict with its checks, amount, approval level and deadlines
            400:
              description: '{"error": {"field": ..., "message": ...}}'
            401:
              $ref: '#/components/responses/401'
        """
        text, ok = answer(request.get_data(as_text=True), current_rules())
        return _json(text, 200 if ok else 400)
