"""``POST /api/v1/eligibility/evaluate``: the engine's HTTP door.

The body is answered with exactly the bytes :func:`app.rules.dumps` gives the Python and CLI doors.
"""
from __future__ import annotations

from flask import Response, request
from flask_appbuilder.api import BaseApi, expose
from flask_appbuilder.security.decorators import protect

from app.rules.jsonout import answer
from app.services.rules import current_rules
from app.web.openapi import documented
from app.web.schemas.engine import FIGURES_EXAMPLE, EngineInput, Verdict

EXAMPLE = {"county": "370811", "residency": "local_hukou", "area": "urban", **FIGURES_EXAMPLE,
           "household": {"size": 3, **FIGURES_EXAMPLE["household"]}}


def _json(body: str, status: int) -> Response:
    return Response(body + "\n", status=status, mimetype="application/json")


class EligibilityApi(BaseApi):
    resource_name = "eligibility"
    class_permission_name = "EligibilityApi"
    method_permission_name = {"evaluate": "post"}
    openapi_spec_tag = "Eligibility"

    @expose("/evaluate", methods=["POST"])
    @documented("Evaluate an application against the county's rules in force on its date (spec/evaluation.md)",
                body=EngineInput, reply=Verdict, errors=(), example=EXAMPLE, responses={"400": {
                    "description": "The engine's input error, on its field (the same object as the CLI prints); "
                                   "a body nested too deeply or a bad ``q`` is refused before the engine reads it, "
                                   "in the one error shape",
                    "content": {"application/json": {"schema": {"anyOf": [
                        {"$ref": "#/components/schemas/EngineError"}, {"$ref": "#/components/schemas/Error"}]}}}}},
                description="The answer is byte for byte the CLI's (``tempaid rules evaluate``) and the Python "
                            "function's; money as decimal strings, dates YYYY-MM-DD.")
    @protect()
    def evaluate(self) -> Response:
        text, ok = answer(request.get_data(as_text=True), current_rules())
        return _json(text, 200 if ok else 400)
