"""The series a run's daily bands need, spooled to a file while the model runs.

A band is a day's statistics over every replicate, so it cannot be made before the last
replicate ends; keeping every replicate's series in memory until then would take 1.3 KB per
replicate-day (4.8 GB for 1,000 replicates over 10 years). :class:`BandSpool` instead writes each
batch's values of the band file's series (:func:`~deportsim.run.bands.band_series`) to a file in
the run's staging folder as the batch ends, each series in one contiguous stretch, and reads a
series back at a time to make its bands: the memory the bands need is then one series of every
replicate. The file is removed with the staging folder.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from deportsim.core.errors import Location, UserError
from deportsim.model.accounts import regional
from deportsim.run.bands import band_series

__all__ = ["BandSpool", "check_room", "spool_bytes"]

F = NDArray[np.float64]


def spool_bytes(replicates: int, days: int, regions: tuple[str, ...]) -> int:
    """The size of a run's spool: 8 bytes per replicate, day and band series."""
    return 8 * replicates * days * len(band_series(regions))


def check_room(out: Path, replicates: int, days: int, regions: tuple[str, ...]) -> None:
    """Refuse a run whose spool would not fit on the disk of ``out`` (UserError), before it runs.

    A tenth more than :func:`spool_bytes` is asked for, for the files themselves.
    """
    need = spool_bytes(replicates, days, regions)
    free = shutil.disk_usage(out).free
    if need * 1.1 > free:
        raise UserError(
            f"{replicates:,} replicates over {days:,} days need about {need / 2**30:.1f} GiB of "
            f"disk there while the run makes its daily bands, more than the "
            f"{free / 2**30:.1f} GiB free; lower --replicates or --years, or choose another --out",
            Location(out, path="--replicates/--years"),
        )


class BandSpool:
    """Every replicate's values of the band series, on disk: written by batch, read by series."""

    def __init__(self, path: Path, replicates: int, days: int, regions: tuple[str, ...]) -> None:
        self.path, self.replicates, self.days = path, replicates, days
        self.series = band_series(regions)
        self.place = {key: i for i, key in enumerate(self.series)}
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        os.ftruncate(self.fd, spool_bytes(replicates, days, regions))

    def _offset(self, metric: str, region: int, r0: int) -> int:
        return (self.place[(metric, region)] * self.replicates + r0) * self.days * 8

    def add(
        self, r0: int, national: dict[str, F], stored: dict[str, F], daily: dict[str, F]
    ) -> None:
        """A batch's series (replicates ``r0 ..``; ``daily``: its factors), in their places."""
        by_region: dict[str, F] = {}  # each regional series once, for all its regions
        for metric, region in self.series:
            if region == 0:
                values = national[metric]
            else:
                if metric not in by_region:
                    by_region = {metric: regional(metric, stored, daily)}
                values = by_region[metric][:, :, region - 1]
            data = np.ascontiguousarray(values, dtype=np.float64).tobytes()
            offset, done = self._offset(metric, region, r0), 0
            while done < len(data):  # a write may take less than all
                done += os.pwrite(self.fd, data[done:], offset + done)

    def values(self, metric: str, region: int) -> F:
        """One series of every replicate, (replicates, days)."""
        size = self.replicates * self.days * 8
        data = os.pread(self.fd, size, self._offset(metric, region, 0))
        if len(data) != size:
            raise OSError(f"{self.path}: short read of the spooled series {metric}")
        return np.frombuffer(data, dtype=np.float64).reshape(self.replicates, self.days)

    def close(self) -> None:
        """Close and remove the file."""
        os.close(self.fd)
        self.path.unlink(missing_ok=True)
