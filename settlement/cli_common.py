"""What every `settlement` command shares: the app, the consoles, exit with a message for people
(no traceback for bad input), and amounts in 元."""

from __future__ import annotations

import os
import sys

import typer
from rich.console import Console

app = typer.Typer(add_completion=False, no_args_is_help=True, help="电子商务扶持政策年度结算（settlement）")


# a terminal's own width; a log or pipe gets lines wide enough for the summary table
console = Console(width=None if sys.stdout.isatty() else 160)


err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)


YEAR_HELP = "结算年度，如 2025"


def parse_years(text: str) -> tuple[int, int]:
    a, _, b = text.partition("-")
    return int(a), int(b or a)


def fail(message: str, code: int) -> None:
    from .ledger.db import scrub

    err.print("[bold red]错误：[/]", end="", highlight=False)
    err.print(
        scrub(message), highlight=False, markup=False, soft_wrap=True
    )  # data in a message is never markup; lines are not cut
    raise typer.Exit(code)


OS_WORDS = {
    "ENOSPC": (
        "磁盘空间不足，写入 {path} 失败："
        "请清理磁盘空间后重新运行（已完成的文件都是完整的，写了一半的文件不会留下）"
    ),
    "EDQUOT": "磁盘配额已满，写入 {path} 失败：请清理空间后重新运行",
    "EACCES": "没有权限访问 {path}：请检查该文件或目录的权限，或用 --landing / --out / --db 指定有权限的位置",
    "EPERM": "没有权限访问 {path}：请检查该文件或目录的权限，或用 --landing / --out / --db 指定有权限的位置",
    "EROFS": "{path} 在只读的磁盘上，不能写入：请用 --out / --db 指定可写的位置",
    "EISDIR": "{path} 是一个目录，这里需要的是文件：请检查命令中的路径",
    "ENOTDIR": "{path} 中有一段不是目录（可能是同名的文件）：请检查命令中的路径",
    "ENOENT": "找不到 {path}：请检查命令中的路径",
    "ENAMETOOLONG": "路径过长：{path}",
}


def os_message(exc: OSError) -> str:
    """An operating system's refusal in the bureau's words, naming the path and what to do."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    path = exc.filename or "（未给出路径）"
    words = OS_WORDS.get(name)
    if words:
        return words.format(path=path)
    return (
        f"操作系统拒绝了对 {path} 的操作（{exc.strerror or type(exc).__name__}）：请检查路径、"
        "权限和磁盘空间后重新运行"
    )


def guard(fn, db: str | None = None):
    """Run a command body and turn errors into messages and exit codes (``db``: the ledger URL
    the command uses, named in database errors)."""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    from .config import SettingsError
    from .engine.facts import FactError
    from .errors import InputError, RunRefused
    from .ingest import LandingError
    from .ledger.db import DatabaseConfigError, db_url, scrub
    from .ledger.locks import LedgerBusy, YearBusy
    from .policies import PolicyLoadError

    try:
        return fn()
    except typer.Exit:
        raise
    except InputError as exc:
        msg = str(exc) + (f"\n校验报告：{exc.report}" if exc.report else "")
        fail(msg, 2)
    except (LandingError, FactError) as exc:
        fail(str(exc), 2)
    except (RunRefused, PolicyLoadError, YearBusy, LedgerBusy, DatabaseConfigError, SettingsError) as exc:
        fail(str(exc), 1)
    except KeyboardInterrupt:
        fail("已中断", 1)
    except DBAPIError as exc:  # nothing half-done was committed: the transaction rolled back
        detail = (str(getattr(exc, "orig", None) or "").strip() or type(exc).__name__).splitlines()[0][:200]
        where = f"台账数据库 {scrub(db_url(db))}"
        if "readonly" in detail or "read-only" in detail:
            fail(
                f"{where} 是只读的，不能写入："
                f"{detail}\n请检查数据库文件及其目录的写权限，或用 --db 指定可写的台账。",
                1,
            )
        if isinstance(exc, (OperationalError, InterfaceError)) or exc.connection_invalidated:
            fail(
                f"{where} 不可用或连接中断：{detail}\n"
                "本次操作的数据库事务已回滚，台账中不会留下半个年度；请在数据库恢复后重新运行同一命令。",
                1,
            )
        fail(
            f"{where}"
            f" 拒绝了本次操作（{type(getattr(exc, 'orig', exc)).__name__}）"
            f"：{detail}\n本次操作的数据库事务已回滚，"
            "台账未改变。",
            1,
        )
    except OSError as exc:
        fail(os_message(exc), 1)
    except Exception as exc:  # anything unexpected: a message, not a traceback
        if os.environ.get("SETTLEMENT_DEBUG"):
            raise
        # scrubbed before it is cut short, so that no half URL keeps its password
        fail(f"{type(exc).__name__}: {scrub(exc)[:500]}（设置 SETTLEMENT_DEBUG=1 可查看详细信息）", 1)


def yuan(fen: int) -> str:
    """Fen as 元 with thousands separators and two decimals, exactly (never through a float)."""
    from .money import fen_to_yuan_grouped

    return fen_to_yuan_grouped(fen)
