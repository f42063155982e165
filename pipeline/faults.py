"""What the operator is told when the system, not the input, stops a run: a full disk, a folder that cannot
be written, an interruption (Ctrl-C, SIGTERM). Each becomes a PipelineError: what happened, where, what to do."""

from __future__ import annotations

import errno
import signal

from pipeline.errors import PipelineError

_UNCHANGED = ("前回の公開データはそのままです。", "The last release is unchanged.")


def os_error(exc: OSError) -> PipelineError:
    """A bilingual error for a failed read or write of the output folder, naming the file or folder."""
    path = exc.filename or "?"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return PipelineError(
            f"ディスクの空きがないため {path} に書き込めませんでした。空きを作ってから、もう一度実行してください。"
            + _UNCHANGED[0],
            f"No space left on the device: could not write {path}. Free some space and run again. " + _UNCHANGED[1],
            file=str(path),
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return PipelineError(
            f"{path} に書き込めません（読み取り専用か、権限がありません）。フォルダの権限を確かめるか、--out で"
            "書き込めるフォルダを指定してください。" + _UNCHANGED[0],
            f"Cannot write {path} (read-only or no permission). Check the folder's permissions or give a writable "
            "folder with --out. " + _UNCHANGED[1],
            file=str(path),
        )
    return PipelineError(
        f"{path} を読み書きできませんでした（{exc.strerror}）。" + _UNCHANGED[0],
        f"Could not read or write {path} ({exc.strerror}). " + _UNCHANGED[1],
        file=str(path),
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
