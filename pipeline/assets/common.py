"""What every asset shares: the folders resource, the fiscal-year partitions, and how an operator's problem
(bad input, a full disk, a read-only folder) leaves a step — as a dagster.Failure carrying the bilingual text."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg

from pipeline.errors import PipelineError
from pipeline.faults import os_error
from pipeline.layout import Layout
from pipeline.raw import fiscal_years


class ProjectPaths(dg.ConfigurableResource):
    """Where the inputs are and where releases go (tests point these at temporary folders)."""

    raw_dir: str
    out_dir: str

    @property
    def raw(self) -> Path:
        return Path(self.raw_dir)

    @property
    def out(self) -> Path:
        return Path(self.out_dir)

    @property
    def layout(self) -> Layout:
        return Layout(Path(self.out_dir))


def year_partitions(raw_dir: Path) -> dg.StaticPartitionsDefinition:
    return dg.StaticPartitionsDefinition([str(y) for y in fiscal_years(raw_dir)])


@contextmanager
def operator_failure(folder: Path | None = None) -> Iterator[None]:
    """Turn a problem the operator can fix into a step failure whose description is the whole bilingual message
    (the command prints it; the UI shows it): a PipelineError as it is, an OSError with the file (or else the
    ``folder`` being written) and what to do."""
    try:
        yield
    except PipelineError as exc:
        raise _failure(exc) from exc
    except OSError as exc:
        raise _failure(os_error(exc, folder)) from exc


def _failure(error: PipelineError) -> dg.Failure:
    where = {"file": error.file} if error.file else {}
    return dg.Failure(description=str(error), metadata=where, allow_retries=False)
