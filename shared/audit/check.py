"""Checking the audit log of a service's database from end to end."""

from shared.audit.chain import Verdict, verify
from shared.audit.log import read_chain, read_head
from shared.db import Database


async def verify_database(url: str) -> Verdict:
    """Read the head and the entries from one snapshot (appends may go on meanwhile) and check the chain."""
    database = Database(url)
    try:
        async with database.reading() as connection:
            if database.is_postgres:
                connection = await connection.execution_options(isolation_level="REPEATABLE READ")
            async with connection.begin():
                head = await read_head(connection)
                entries = [entry async for entry in read_chain(connection)]
    finally:
        await database.dispose()
    return verify(entries, head)
