"""Terminal progress for the CLI: one line per stage as it finishes, with its duration and outcome."""

from __future__ import annotations

import logging
import time

import dagster as dg

_CHECK_MARK = {True: "合格", False: "不合格"}


class _StageHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.started: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        if event is None:
            return
        kind = event.event_type_value
        step = event.step_key or ""
        if kind == "STEP_START":
            self.started[step] = time.perf_counter()
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE"):
            seconds = time.perf_counter() - self.started.get(step, time.perf_counter())
            outcome = "ok" if kind == "STEP_SUCCESS" else "失敗 / failed"
            print(f"   {step:<20} {seconds:6.2f} s  {outcome}", flush=True)
        elif kind == "STEP_SKIPPED":
            print(f"   {step:<20}     -     中止（前の段階の失敗のため）/ skipped", flush=True)
        elif kind == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            name = evaluation.asset_check_key.name
            print(f"   {'  check ' + name:<20}           {_CHECK_MARK[evaluation.passed]}", flush=True)


@dg.logger(description="Prints each stage of a run and its duration, for the command line.")
def stage_progress(_init_context) -> logging.Logger:
    log = logging.getLogger("pipeline.progress")
    log.setLevel(logging.DEBUG)
    log.propagate = False
    log.handlers = [_StageHandler()]
    return log
