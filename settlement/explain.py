"""Reading one enterprise's award lines back from the ledger (``settlement explain``)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import and_, or_, select

from .ledger import make_engine, migrate
from .ledger.load import read_table
from .ledger.models import AwardLine, SettlementRun


def latest_run(conn, year: int):
    runs = SettlementRun.__table__
    order = {"final": 0, "publicity": 1, "draft": 2}
    rows = conn.execute(select(runs).where(runs.c.year == year, runs.c.status.in_(tuple(order)))).all()
    if not rows:
        return None
    return sorted(rows, key=lambda r: (order[r.status], -r.id))[0]


def lines_for(year: int, uscc: str, db_url: str | None = None) -> tuple[pd.DataFrame, object]:
    engine = make_engine(db_url)
    migrate(engine)
    table = AwardLine.__table__
    with engine.connect() as conn:
        run = latest_run(conn, year)
        if run is None:
            return pd.DataFrame(), None
        where = and_(table.c.run_id == run.id, or_(table.c.payee_uscc == uscc, table.c.subject_uscc == uscc))
        return read_table(conn, AwardLine, where=where, order_by=("line_no",)), run
