"""The API's contract: a marshmallow schema for the body and the answer of every endpoint we wrote.

A body is loaded by its schema before any service sees it (:func:`app.web.schemas.base.load_body`):
unknown fields refused, money as a decimal string, dates as ``YYYY-MM-DD``, each fault answered 422 on its
field in the caller's language. The answers are dumped by their schemas, so what the OpenAPI document
says is what a client receives (the contract test in tests/web checks every answer of the suite).
"""
