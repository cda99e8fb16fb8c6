"""`/intake/v1/reports`: submit a report (202) and read one back with personal data masked."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from backbone.auth.guard import optional_caller
from backbone.auth.principal import Principal
from backbone.service import get_uow
from backbone.uow import UnitOfWork
from backbone.web.problems import ErrorBody, ErrorMessage, problem
from services.intake.reports.idempotency import IdempotencyKeyReused
from services.intake.reports.reading import ReportView, report_view
from services.intake.reports.schemas import ReportSubmission
from services.intake.reports.service import InvalidReport, submit_report

router = APIRouter(prefix="/v1", tags=["reports"])
REPLAYED_HEADER = "Idempotent-Replayed"


class ReportAccepted(BaseModel):
    report_id: str = Field(description="The report's id, to read it back")
    case_id: str = Field(description="The case (个案) the report opened or joined")
    child_id: str = Field(description="The child's file (一人一档), found by blind index or opened")
    corroborates_report_id: str | None = Field(description="The earlier report of the same case, if any")
    new_case: bool = Field(description="Whether the report opened a new case")


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """A model's JSON Schema with its `$defs` inlined, for an OpenAPI body the route validates itself."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                # The field's own keywords (its description) beside the reference are kept.
                siblings = {k: inline(v) for k, v in node.items() if k != "$ref"}
                return {**inline(defs[ref.removeprefix("#/$defs/")]), **siblings}
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    return inline(schema)


@router.post(
    "/reports",
    status_code=202,
    response_model=ReportAccepted,
    summary="Submit a mandatory report (强制报告)",
    description="A school, hospital, committee, welfare institution, social worker or the 12355 hotline "
    "reports a child in danger. Intake seals the personal data, finds the child's file (一人一档) or opens "
    "one, joins a corroborated case or opens a new one, and publishes `report.received`, on which routing "
    "triages and refers (P1 immediate danger means police dispatch at the first moment, 第一时间出警). "
    "Starts the `reporter.feedback` deadline. Answered 202 at once; a retry with the same "
    "`Idempotency-Key` gets the first answer (header `Idempotent-Replayed: true`).",
    responses={
        422: {
            "model": ErrorBody,
            "description": "Bad fields, named without their values; or an Idempotency-Key reused with "
            "another body",
        }
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": inline_schema(ReportSubmission)}},
        }
    },
)
async def post_report(
    request: Request,
    uow: UnitOfWork = Depends(get_uow),
    # None where a city's policy makes submission public (no token): the report then names no submitter.
    principal: Principal | None = Depends(optional_caller),
    idempotency_key: str | None = Header(default=None, alias="Idempotency-Key", min_length=1, max_length=200),
) -> JSONResponse:
    """Accept a report (`ReportSubmission`); a retry with the same `Idempotency-Key` gets the first answer."""
    body = json_body(await request.body())
    submitted_by = principal.client_id if principal else None
    try:
        async with uow:
            answer, replayed = await submit_report(
                uow=uow, body=body, idempotency_key=idempotency_key, submitted_by=submitted_by
            )
            await uow.commit()
    except InvalidReport as refused:
        raise HTTPException(422, detail=in_body(refused.problems)) from None
    except IdempotencyKeyReused:
        raise HTTPException(
            422,
            detail=[
                problem(
                    ["header", "Idempotency-Key"],
                    "this Idempotency-Key was already used with a different request body",
                    "idempotency_key_reused",
                )
            ],
        ) from None
    headers = {REPLAYED_HEADER: "true"} if replayed else {}
    return JSONResponse(answer.body, status_code=answer.status_code, headers=headers)


@router.get(
    "/reports/{report_id}",
    response_model=ReportView,
    summary="Read a report back",
    description="The report as intake holds it, for the system that submitted it and for supervisors: the "
    "case it belongs to and its status, the child and reporter masked, the incident, and what the reporter "
    "was told of the outcome.",
    responses={404: {"model": ErrorMessage, "description": "No report with this id"}},
)
async def get_report(report_id: str, uow: UnitOfWork = Depends(get_uow)) -> ReportView:
    """The report as intake holds it, with the child's and the reporter's personal data masked."""
    async with uow:
        view = await report_view(session=uow.session, ring=uow.key_ring, report_id=report_id)
    if view is None:
        raise HTTPException(404, detail="no report with this id")
    return view


def json_body(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        raise HTTPException(
            422, detail=[problem(["body"], "the body is not valid JSON", "json_invalid")]
        ) from None


def in_body(problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**p, "loc": ["body", *p["loc"]]} for p in problems]
