"""Refusals of the services as the screens word them, in the user's language.

The services refuse with a code and an English sentence (the API returns both); a screen shows the
sentence for the code in the user's language and keeps the service's own sentence as the detail when it
carries figures (amounts, dates, stages) the general sentence cannot know. A code without a sentence
here is shown as the service words it, so a new refusal is never hidden.
"""
from __future__ import annotations

import re

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

REFUSALS = {
    "scope": _l("This is outside your jurisdiction."),
    "role": _l("Your role may not do this."),
    "amount_invalid": _l("The amount must be a positive number in yuan, with at most two decimals."),
    "date_invalid": _l("The date must be YYYY-MM-DD, between the application and today."),
    "not_available": _l("This step is not possible in the case's present state."),
    "self_approval": _l("Nobody decides a case they took in themselves."),
    "not_eligible": _l("The verdict found the household not eligible."),
    "approval_level": _l("Approval at the level the verdict names is not yours."),
    "not_by": _l("Whoever gave the pre-assistance does not also register it: another approver registers it."),
    "above_pre_assist_limit": _l("The pre-assistance is above the county's limit for pre-assistance: give at most "
                                 "the limit now, the rest is decided at registration."),
    "pre_assist_limit_missing": _l("The county's rules set no limit for pre-assistance on this day."),
    "above_maximum": _l("The amount is above the verdict's maximum: it needs a recorded reason and a higher "
                        "approval."),
    "decided": _l("A decided case keeps the verdict it was decided on."),
    "not_decided": _l("Only a decided amount is adjusted."),
    "not_paid_in_full": _l("The recorded payments do not cover the approved amount yet: record the payments "
                           "first."),
    "below_paid": _l("The new amount is below what was already paid: reverse the wrong payment first."),
    "payments_complete": _l("The payments of this case are complete: its approved amount is no longer adjusted."),
    "method_invalid": _l("Choose how the aid is paid."),
    "not_payable": _l("A case in this state takes no payment."),
    "no_bank_account": _l("The household has no bank account for a transfer."),
    "reserve_fund_for_emergency_cash": _l("The reserve fund pays emergency cases in cash only."),
    "above_approved": _l("The payments would exceed the approved amount."),
    "no_reserve_fund": _l("The township has no reserve fund."),
    "insufficient_funds": _l("The reserve fund does not hold enough for this payment."),
    "not_complete": _l("The case is not paid in full yet."),
    "is_reversal": _l("A reversal is never reversed: record a new payment instead."),
    "already_reversed": _l("This payment was reversed already."),
    "case_closed": _l("The case is closed: its payments are not reversed."),
    "sent_to_bank": _l("This transfer went to the bank in a batch: reverse it only when the bank has returned "
                       "the money, and tick that it has."),
    "nothing_to_batch": _l("There are no bank transfers waiting to be sent."),
    "kind_invalid": _l("Choose where the money comes from."),
    "township_invalid": _l("Reserve funds are kept by townships and streets."),
    "month_invalid": _l("The month must be YYYY-MM."),
    "field_required:reason": _l("Give the reason."),
    "field_required:note": _l("Write the note this step asks for."),
    "field_required:amount": _l("Give the amount."),
    "field_required:date": _l("Give the date."),
    "field_required:items": _l("Say what was given in kind, or to whom the case was referred."),
    "above_ceiling": _l("The amount is above the county's ceiling for one case: no approval goes beyond it."),
    # reserve funds and charity linkage (ui-comfort)
    "above_drawn": _l("A return cannot exceed what was drawn from the fund and not yet returned."),
    "confirm_large": _l("This amount is unusually large: check it, tick the confirmation and record again."),
    "not_recorded": _l("Nothing was recorded: try again."),
    "already_claimed": _l("Another charity claimed or closed this referral first."),
    "budget_below_spent": _l("The budget cannot be less than what was already spent."),
    "budget_exceeded": _l("The project has less left than this."),
    "field_required:description": _l("Describe the goods or services given."),
    "field_required:need": _l("State the need."),
    "gap_required": _l("State the gap in money, goods or services."),
    "not_charity_staff": _l("Only staff of a charity claim and help."),
    "not_claimed": _l("The referral is not claimed by your charity."),
    "not_closable": _l("Only your own claim with recorded aid can be closed."),
    "not_fit": _l("No project of your charity serves this referral."),
    "not_releasable": _l("Only your own claim without recorded aid can be released."),
    "not_withdrawable": _l("A claimed or closed referral is not withdrawn."),
    "project_does_not_fit": _l("The project does not serve this referral."),
    "project_not_yours": _l("The project is not your charity's."),
    "referral_exists": _l("The case already has a referral that is not closed."),
    # 2026 opinion: 公示 before aid, people passing through
    "posting_running": _l("The case is being publicly posted: it may be approved once its posting period has run."),
    "objection_open": _l("An objection raised during the posting is still open: resolve it first."),
    "not_posted": _l("The case is not publicly posted."),
    "resolved": _l("The objection is already resolved."),
    "field_required:raised_by": _l("Say who raised the objection."),
    "field_required:content": _l("Write what the objection says."),
    "field_required:resolution": _l("Write what was found and decided."),
    "field_required:name": _l("Give the person's name."),
    "field_required:incident": _l("Say what happened."),
    "id_number_invalid": _l("Not a valid resident ID number (18 characters, GB 11643 check digit)"),
    "home_place": _l("Give the home place: a county or township of the city, or in words a place outside the city."),
    "has_household": _l("This person has a household of their own in this county: take the application in on "
                        "that household."),
    "kind": _l("A person passing through is helped with emergency aid."),
    "region_unknown": _l("No region has this code."),
    # decision documents, delivery (送达) and the posted disclosure list (issue 15)
    "document_unknown": _l("Choose the document delivered."),
    "document_not_available": _l("The case has no such document."),
    "delivery_method_invalid": _l("Choose how the document was delivered."),
    "signature_required": _l("A document delivered in person is signed for by the recipient: tick that it was."),
    "field_required:recipient": _l("Say who received the document."),
    "field_required:reference": _l("Give the tracking number, or where the message went."),
    "field_required:delivered_on": _l("Give the day it was delivered (YYYY-MM-DD)."),
    "field_required:acknowledged_on": _l("Give the day of the acknowledgement (YYYY-MM-DD)."),
    "acknowledged": _l("The acknowledgement is recorded already."),
    "month_not_over": _l("A month's list is posted once the month is over."),
    "posted": _l("The month's list is posted already; it stays as it was posted."),
}
_FIGURES = re.compile(r"\d")


def refusal_text(exc) -> str:
    """The refusal ``exc`` (any service's ``...Refused``: ``code`` and ``message``) as a screen shows it."""
    sentence = REFUSALS.get(exc.code)
    if sentence is None:
        return str(_l("Refused: %(message)s", message=exc.message))
    # the service's sentence is English: a Chinese screen keeps to its own sentence, without an English tail
    if _FIGURES.search(exc.message or "") and not str(get_locale()).startswith("zh"):
        return str(_l("%(sentence)s (%(detail)s)", sentence=sentence, detail=exc.message))
    return str(sentence)


def commit_or_refuse(session, action, done, refused: type[Exception] | tuple, back: str):
    """Run one service ``action`` in the view's transaction and come back to ``back`` with its outcome.

    Commit and flash ``done`` when it went through; on one of the ``refused`` exceptions roll back and
    flash the refusal in the user's words. Every screen's step goes through here, so no screen commits a
    half-done step or shows a refusal in another way.
    """
    from flask import flash, redirect

    try:
        action()
        session.commit()
        flash(str(done), "success")
    except refused as exc:
        session.rollback()
        flash(refusal_text(exc), "danger")
    return redirect(back)
