"""相模原市ICT総合戦略 事業一覧: from the city's PDF list to open data and a public site."""

import os

# numpy's OpenBLAS starts a worker thread per extra CPU when numpy is imported, and each busy-waits a while
# before it sleeps. The pipeline does no linear algebra, and on a two-CPU machine that thread takes the CPU from
# the other year being built. Set before pandas is imported; a value set by the user stays.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
