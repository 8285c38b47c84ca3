"""The typed run summary: what every output of a run is made from (``types``), built once (``build``)."""
