"""``mlc sync``: read now, see status, act on held documents, preview, variance, and the audit trail."""

from __future__ import annotations

import csv
import dataclasses
import json
import sys
import uuid
from typing import Any

import click

from mlconnector.platform.cli.output import emit
from mlconnector.platform.cli.tenant_arg import run_for_tenant
from mlconnector.platform.db.engine import Database

ACTOR = "operator"


@click.group()
def sync() -> None:
    """The sync engine, per tenant (TENANT is a slug or id)."""


def _document_action(name: str, help_text: str) -> click.Command:
    @click.command(name, help=help_text)
    @click.argument("tenant")
    @click.argument("document_key")
    @click.option("--reason", default="", help="Why (kept in the audit trail).")
    def command(tenant: str, document_key: str, reason: str) -> None:
        from mlconnector.platform.sync import actions

        async def work(database: Database, tenant_id: uuid.UUID) -> str:
            async with database.session(tenant_id) as session:
                options = {"reason": reason} if name == "skip" else {}
                row = await getattr(actions, name)(session, document_key, actor=ACTOR, **options)
                return row.state

        try:
            state = run_for_tenant(tenant, work)
        except Exception as error:  # a domain error is a sentence for the operator
            from mlconnector.platform.errors import MlcError

            if isinstance(error, MlcError):
                raise click.ClickException(str(error)) from None
            raise
        click.echo(f"{document_key}: {state}")

    return command


sync.add_command(_document_action("retry", "Plan and post a held or failed document again."))
sync.add_command(_document_action("skip", "Decide not to post a document (kept, marked skipped)."))
sync.add_command(_document_action("replan", "Re-plan a document that has not been posted."))


@sync.command()
@click.argument("tenant")
@click.option("--stream", default=None, help="One stream only (default: all the source reads).")
def read(tenant: str, stream: str | None) -> None:
    """Queue a read of the tenant's source now (a worker or `mlc serve` runs it)."""
    from mlconnector.platform.jobs.queue import enqueue
    from mlconnector.platform.sync.reading import READ_JOB

    async def work(database: Database, tenant_id: uuid.UUID) -> uuid.UUID | None:
        async with database.session(tenant_id) as session:
            return await enqueue(session, READ_JOB, payload={"stream": stream} if stream else {})

    click.echo(f"read queued as job {run_for_tenant(tenant, work)}")


@sync.command()
@click.argument("tenant")
@click.option("--limit", type=int, default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON (with the exact requests).")
def preview(tenant: str, limit: int, as_json: bool) -> None:
    """Show exactly what the latest documents would post (planned, not sent)."""
    from mlconnector.platform.bootstrap import current_plugins
    from mlconnector.platform.sync.preview import preview as plan_preview

    async def work(database: Database, tenant_id: uuid.UUID) -> list[dict[str, Any]]:
        async with database.open(tenant_id) as session:
            items = await plan_preview(session, current_plugins(), limit=limit)
            await session.rollback()  # a preview never writes
        return [dataclasses.asdict(item) for item in items]

    items = run_for_tenant(tenant, work)

    def lines() -> list[str]:
        out = []
        for item in items:
            out.append(f"{item['type']} {item['number']} ({item['state']}, {item['grand_total']})")
            out += [
                f"  {op['action']} {op['object_type']}: {json.dumps(op['summary'], ensure_ascii=False)}"
                for op in item["operations"]
            ]
            out += [f"  HELD: {reason}" for reason in item["holds"]]
            if item["problem"]:
                out.append(f"  PROBLEM: {item['problem']}")
        return out or ["nothing to preview (no sink connected, or no documents yet)"]

    emit({"documents": items}, as_json, lines)


@sync.command()
@click.argument("tenant")
@click.option("--day", type=click.DateTime(formats=["%Y-%m-%d"]), required=True, help="YYYY-MM-DD")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def variance(tenant: str, day: Any, as_json: bool) -> None:
    """Storefront vs books for one day: sales, tax, shipping, discounts, payments, refunds."""
    from mlconnector.platform.sync.variance import daily_variance

    async def work(database: Database, tenant_id: uuid.UUID) -> dict[str, Any]:
        async with database.session(tenant_id) as session:
            report = await daily_variance(session, day.date())
        return {
            "day": report.day.isoformat(),
            "balanced": report.balanced,
            "lines": [
                {
                    "category": line.category,
                    "storefront": f"{line.storefront:.2f}",
                    "books": f"{line.books:.2f}",
                    "difference": f"{line.difference:.2f}",
                    "books_reported": line.books_reported,
                }
                for line in report.lines.values()
            ],
            "explanations": report.explanations,
        }

    result = run_for_tenant(tenant, work)

    def lines() -> list[str]:
        out = [f"{'':<10} {'storefront':>12} {'books':>12} {'difference':>12}"]
        out += [
            f"{row['category']:<10} {row['storefront']:>12} {row['books']:>12} {row['difference']:>12}"
            for row in result["lines"]
        ]
        out += [f"- {e['number'] or e['key']}: {e['reason']}" for e in result["explanations"]]
        out.append("balanced" if result["balanced"] else "NOT balanced")
        return out

    emit(result, as_json, lines)


@sync.command()
@click.argument("tenant")
@click.argument("number", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True)
@click.option("--raw", is_flag=True, help="Include the raw requests and responses (qbXML).")
def audit(tenant: str, number: str | None, fmt: str, raw: bool) -> None:
    """The audit trail for an order/invoice/credit-memo NUMBER (or the latest steps), exportable as JSON or CSV."""
    from mlconnector.platform.sync.audit import search_audit

    async def work(database: Database, tenant_id: uuid.UUID) -> list[dict[str, Any]]:
        async with database.session(tenant_id) as session:
            events = await search_audit(session, number=number, limit=10_000 if number else 200)
        return [
            {
                "id": e.id,
                "at": e.at.isoformat(),
                "actor": e.actor,
                "action": e.action,
                "document_key": e.document_key,
                "number": e.number,
                "order_number": e.order_number,
                "source_ids": e.source_ids,
                "sink_ids": e.sink_ids,
                "detail": e.detail,
                **({"request": e.request, "response": e.response} if raw else {}),
            }
            for e in events
        ]

    events = run_for_tenant(tenant, work)
    if fmt == "json":
        click.echo(json.dumps({"events": events}, ensure_ascii=False, default=str))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(events[0]) if events else ["id"], extrasaction="ignore")
        writer.writeheader()
        for event in events:
            writer.writerow(
                {k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v for k, v in event.items()}
            )
    else:
        for e in events:
            detail = json.dumps(e["detail"], ensure_ascii=False)[:120]
            click.echo(f"{e['at']}  {e['action']:<10} {e['document_key'] or '':<32} {e['actor']:<16} {detail}")
            if raw and e.get("request"):
                click.echo(e["request"])
        if not events:
            click.echo("no audit events")
