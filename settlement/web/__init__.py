"""结算结果: the page inside Airflow where finance officers download the lists and auditors
read the reports (an Airflow plugin: ``plugin.py``; the FastAPI app: ``app.py``; what may be
served from the output folder: ``files.py``; the HTML: ``pages.py``)."""
