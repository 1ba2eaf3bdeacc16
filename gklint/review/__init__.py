"""The provincial reviewer's tools: who and when of each report (``agency``), the small per-report facts
kept for a whole run (``facts``), cross-year checks over several reports of one agency (``crossyear``), the
per-agency summary and score (``summary``), table extracts (``extract``) and scale-out on Dask (``dask_run``)."""
