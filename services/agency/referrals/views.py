"""The inbox's REST API, built for one agency: `referrals_router(Agency.POLICE)` under `/v1/referrals`."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from backbone.auth.guard import visibility
from backbone.auth.policy import Visibility
from backbone.service import get_uow
from backbone.uow import UnitOfWork
from backbone.web.paging import Page, PageRequest, paging
from backbone.web.params import IsoDateTime
from contracts.events.common import Agency
from services.agency.errors import STEP_REFUSALS, UNKNOWN_REFERRAL, run_step
from services.agency.referrals.lifecycle import hold_referral, list_notes, post_note, resume_referral
from services.agency.referrals.rules import ReferralStatus
from services.agency.referrals.schemas import (
    AcceptBody,
    CompleteBody,
    DeclineBody,
    HoldBody,
    NoteBody,
    NoteView,
    ReferralView,
)
from services.agency.referrals.service import (
    CompletionGuard,
    accept_referral,
    complete_referral,
    decline_referral,
    get_referral,
    list_referrals,
)


def referrals_router(agency: Agency, *, completion_guard: CompletionGuard | None = None) -> APIRouter:
    """The inbox routes of one agency; `completion_guard` adds the agency's own condition to complete."""
    router = APIRouter(prefix="/v1/referrals", tags=["referrals"])
    inbox_page = paging(default_limit=200, max_limit=1000)
    notes_page = paging(default_limit=100, max_limit=500)

    @router.get(
        "",
        summary="List the agency's inbox of referrals",
        description=f"The referrals (转介) routing addressed to {agency.value} in the caller's districts, "
        f"most "
        "urgent first (by priority, then oldest). Filter by status; page with limit/offset, or poll "
        "for new work with received_after. Reading changes nothing and stops no deadline.",
    )
    async def list_inbox(
        status: ReferralStatus | None = None,
        page: PageRequest = Depends(inbox_page),
        received_after: IsoDateTime | None = None,
        uow: UnitOfWork = Depends(get_uow),
        seen: Visibility = Depends(visibility),
    ) -> Page[ReferralView]:
        """The agency's inbox, most urgent first; page with limit/offset or poll with received_after."""
        async with uow:
            referrals, total = await list_referrals(
                session=uow.session,
                status=status,
                received_after=received_after,
                page=page,
                visibility=seen,
            )
            return Page[ReferralView].of(
                [ReferralView.model_validate(r) for r in referrals], total=total, page=page
            )

    @router.get(
        "/{referral_id}",
        summary="Read one referral",
        description="The referral as this agency holds it: task, role (lead 牵头 or responsible 责任), "
        "priority, categories, status and who accepted, declined or completed it, with when.",
        responses=UNKNOWN_REFERRAL,
    )
    async def show(referral_id: str, uow: UnitOfWork = Depends(get_uow)) -> ReferralView:
        return await run_step(
            uow,
            lambda: get_referral(session=uow.session, referral_id=referral_id),
            ReferralView.model_validate,
            commit=False,
        )

    @router.post(
        "/{referral_id}/accept",
        summary="Accept a referral (受理)",
        description="The agency takes the referral on: pending becomes accepted, `referral.accepted` is "
        "published and the `referral.acceptance` deadline stops. Acceptance starts the task's own "
        "deadlines (civil affairs' `assessment` for assessment and assistance, education's "
        "`education.follow_up`). The body is optional and names the member of staff who accepts.",
        responses=STEP_REFUSALS,
    )
    async def accept(
        referral_id: str, body: AcceptBody | None = None, uow: UnitOfWork = Depends(get_uow)
    ) -> ReferralView:
        return await run_step(
            uow,
            lambda: accept_referral(
                uow=uow, agency=agency, referral_id=referral_id, officer=body.officer if body else None
            ),
            ReferralView.model_validate,
        )

    @router.post(
        "/{referral_id}/decline",
        summary="Decline a referral (退回)",
        description="The agency hands a pending referral back with a reason code from the published list "
        "(the enum; contracts/policies/decline_reasons.v1.json) and free text: `referral.declined` is "
        "published, the acceptance deadline stops and the agency's task deadlines are cancelled. Routing "
        "then hands a declined lead task to civil affairs, the overall lead; a decline by civil affairs, or "
        "of a referral already re-routed, goes to the joint meeting office (联席会议办公室); a declined "
        "responsible referral leaves the task to its lead.",
        responses=STEP_REFUSALS,
    )
    async def decline(
        referral_id: str, body: DeclineBody, uow: UnitOfWork = Depends(get_uow)
    ) -> ReferralView:
        return await run_step(
            uow,
            lambda: decline_referral(
                uow=uow,
                agency=agency,
                referral_id=referral_id,
                reason_code=body.reason_code,
                reason=body.reason,
            ),
            ReferralView.model_validate,
        )

    @router.post(
        "/{referral_id}/hold",
        summary="Put an accepted referral on hold",
        description="The work waits (e.g. on a court); the referral's running deadlines pause until it is "
        "resumed. No other step is taken on a held referral. 409 unless the referral is accepted.",
        responses=STEP_REFUSALS,
    )
    async def hold(referral_id: str, body: HoldBody, uow: UnitOfWork = Depends(get_uow)) -> ReferralView:
        return await run_step(
            uow,
            lambda: hold_referral(uow=uow, agency=agency, referral_id=referral_id, reason=body.reason),
            ReferralView.model_validate,
        )

    @router.post(
        "/{referral_id}/resume",
        summary="Resume a referral on hold",
        description="The referral is accepted again and the deadlines its hold paused run again, the held "
        "time not counted. 409 unless the referral is on hold.",
        responses=STEP_REFUSALS,
    )
    async def resume(referral_id: str, uow: UnitOfWork = Depends(get_uow)) -> ReferralView:
        return await run_step(
            uow,
            lambda: resume_referral(uow=uow, agency=agency, referral_id=referral_id),
            ReferralView.model_validate,
        )

    @router.post(
        "/{referral_id}/notes",
        status_code=201,
        summary="Post an interim progress note",
        description="Free text on a referral under way (accepted or on hold); the case's lead sees it in "
        "the routing case view, whose timeline records that a note was posted. 409 otherwise.",
        responses=STEP_REFUSALS,
    )
    async def add_note(referral_id: str, body: NoteBody, uow: UnitOfWork = Depends(get_uow)) -> NoteView:
        return await run_step(
            uow,
            lambda: post_note(
                uow=uow, agency=agency, referral_id=referral_id, note=body.note, author=body.author
            ),
            NoteView.model_validate,
        )

    @router.get(
        "/{referral_id}/notes",
        summary="The referral's progress notes",
        description="Every note the agency posted on the referral, oldest first.",
        responses=UNKNOWN_REFERRAL,
    )
    async def notes(
        referral_id: str, page: PageRequest = Depends(notes_page), uow: UnitOfWork = Depends(get_uow)
    ) -> Page[NoteView]:
        return await run_step(
            uow,
            lambda: list_notes(uow=uow, referral_id=referral_id, page=page),
            lambda found: Page[NoteView].of(
                [NoteView.model_validate(r) for r in found[0]], total=found[1], page=page
            ),
            commit=False,
        )

    @router.post(
        "/{referral_id}/complete",
        summary="Complete a referral (办结)",
        description="The agency's task on an accepted referral is done: `referral.completed` is published "
        "with the outcome and the referral's remaining deadlines are cancelled. The agency may add its own "
        "condition (the police refuse while a unit is out, civil affairs while a guardianship failure has "
        "no intervention decided): 409 with the reason.",
        responses=STEP_REFUSALS,
    )
    async def complete(
        referral_id: str, body: CompleteBody, uow: UnitOfWork = Depends(get_uow)
    ) -> ReferralView:
        return await run_step(
            uow,
            lambda: complete_referral(
                uow=uow,
                agency=agency,
                referral_id=referral_id,
                outcome=body.outcome,
                guard=completion_guard,
            ),
            ReferralView.model_validate,
        )

    return router
