"""What the operator is told when the system, not the input, stops a run: a full disk, a folder that cannot
be written, an interruption (Ctrl-C, SIGTERM). Each becomes a PipelineError: what happened, where, what to do."""

from __future__ import annotations

import errno
import signal
from pathlib import Path

from pipeline.errors import PipelineError

_UNCHANGED = ("前回の公開データはそのままです。", "The last release is unchanged.")


def os_error(exc: OSError, folder: Path | str | None = None) -> PipelineError:
    """A bilingual error for a failed read or write: the output ``folder`` being written (when given) and the
    file the system named, what happened and what to do."""
    path = str(exc.filename or folder or "?")
    inside = folder is not None and (path == str(folder) or path.startswith(f"{folder}/"))
    where = str(folder) if inside else path
    detail = f"（{path}）" if path != where else ""
    detail_en = f" ({path})" if path != where else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return PipelineError(
            f"ディスクの空きがないため {where} に書き込めませんでした{detail}。空きを作ってから、もう一度実行して"
            "ください。" + _UNCHANGED[0],
            f"No space left on the device: could not write in {where}{detail_en}. Free some space and run again. "
            + _UNCHANGED[1],
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS) and not inside:
        return PipelineError(
            f"{path} を読み書きできません（読み取り専用か、権限がありません）。権限を確かめてください。"
            + _UNCHANGED[0],
            f"Cannot read or write {path} (read-only or no permission). Check its permissions. " + _UNCHANGED[1],
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return PipelineError(
            f"{where} に書き込めません（読み取り専用か、権限がありません）{detail}。フォルダの権限を確かめるか、"
            "--out で書き込めるフォルダを指定してください。" + _UNCHANGED[0],
            f"Cannot write in {where} (read-only or no permission){detail_en}. Check the folder's permissions or "
            "give a writable folder with --out. " + _UNCHANGED[1],
        )
    return PipelineError(
        f"{where} を読み書きできませんでした（{exc.strerror}）{detail}。" + _UNCHANGED[0],
        f"Could not read or write {where} ({exc.strerror}){detail_en}. " + _UNCHANGED[1],
    )


def interrupted(signum: int) -> PipelineError:
    """A bilingual message for a command stopped by Ctrl-C (SIGINT) or SIGTERM."""
    name = signal.Signals(signum).name
    how = "Ctrl-C" if signum == signal.SIGINT else name
    return PipelineError(
        f"{how} で中断しました。終わっていない年度は公開していません。目録も作り直していません。"
        f"{_UNCHANGED[0]}もう一度 publish を実行すると続きから公開します。",
        f"Interrupted by {how} ({name}). Years not finished were not published and the catalog was not rebuilt. "
        f"{_UNCHANGED[1]} Run publish again to finish.",
    )
