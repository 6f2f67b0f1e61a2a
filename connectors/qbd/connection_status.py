"""What the ``check`` hook reports for QuickBooks Desktop. We cannot call QuickBooks: the Web Connector calls us. So
the answer is what its last contact showed — which company file is pinned — or what the merchant should do next."""

from __future__ import annotations

from sqlalchemy import select

from mlconnector.connectors.qbd.models import Connection
from mlconnector.platform.plugins import CheckResult, Database, Settings

SETUP = (
    "Download the .qwc file, add it in the QuickBooks Web Connector (File > Add an application, with the company "
    "file open in QuickBooks), enter the Web Connector password and click Update Selected."
)


def status_of(connection: Connection | None, username: str) -> CheckResult:
    if connection is None:
        return CheckResult.failure(
            "not_found", f"No Web Connector user named {username!r} exists yet: set a password for it first."
        )
    if connection.password_hash is None:
        return CheckResult.failure("invalid_config", "The Web Connector password has not been set yet.")
    if connection.last_result == "refused_company" and connection.last_error:
        return CheckResult.failure("forbidden", connection.last_error)
    if connection.last_result == "connection_error" and connection.last_error:
        return CheckResult.failure(
            "unreachable", f"The Web Connector could not reach QuickBooks: {connection.last_error}"
        )
    if connection.last_result == "refused_password":
        return CheckResult.failure("bad_credentials", "The Web Connector sent a wrong password. " + SETUP)
    if connection.last_contact_at is None or (not connection.company_name and not connection.company_path):
        return CheckResult.failure("unreachable", "The Web Connector has not contacted ml-connector yet. " + SETUP)
    company = connection.company_name or connection.company_path or "the company file"
    product = ", ".join(part for part in (connection.qb_product, connection.qb_country) if part)
    message = f'Connected to QuickBooks company "{company}"' + (f" ({product})" if product else "")
    message += f"; last contact {connection.last_contact_at:%Y-%m-%d %H:%M} UTC."
    return CheckResult.success(message, company=company, last_contact=connection.last_contact_at.isoformat())


async def describe(username: str, database: Database | None = None) -> CheckResult:
    """Look the connection up (its own short-lived database handle unless one is given)."""
    owned = database is None
    try:
        if database is None:
            database = Database(Settings.from_env().database.url, null_pool=True)
        async with database.system_session() as session:
            connection = (
                await session.execute(select(Connection).where(Connection.username == username))
            ).scalar_one_or_none()
    except Exception as error:
        return CheckResult.failure(
            "unreachable", f"ml-connector could not read its own database ({type(error).__name__}); try again."
        )
    finally:
        if owned and database is not None:
            await database.dispose()
    return status_of(connection, username)
