"""Refusals are shown in the user's language: a Chinese screen has no English tail; an English one keeps
the service's figures as the detail."""
from flask_babel import force_locale

from app.services.payments import PaymentRefused
from app.views.refusals import refusal_text


def test_a_refusal_is_worded_for_the_screen_in_chinese_with_its_figures(app):
    with app.test_request_context(), force_locale("zh"):
        assert refusal_text(PaymentRefused("already_reversed", "stage 2 was reversed already")) == "这笔发放已经冲正。"
        assert refusal_text(PaymentRefused("field_required:reason", "say why the payment is reversed")) == "请填写理由。"
        unknown = refusal_text(PaymentRefused("something_new", "a refusal no screen words yet"))
        assert "a refusal no screen words yet" in unknown
    with app.test_request_context(), force_locale("en"):
        assert refusal_text(PaymentRefused("scope", "case outside your jurisdiction")) == \
            "This is outside your jurisdiction."
        assert "stage 2 was reversed already" in refusal_text(
            PaymentRefused("already_reversed", "stage 2 was reversed already"))
