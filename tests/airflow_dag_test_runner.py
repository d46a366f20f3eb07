"""Run one DAG with dag.test() in this process (called by tests in a fresh subprocess whose
environment points AIRFLOW_HOME at a throwaway folder with a SQLite metadata database)."""

import json
import sys


def main(dag_id: str, conf: str) -> None:
    from airflow.utils.db import initdb

    initdb()
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=sys.argv[3])
    assert not bag.import_errors, bag.import_errors
    dag = bag.get_dag(dag_id)
    run = dag.test(run_conf=json.loads(conf))
    states = {
        ti.task_id + ("" if ti.map_index < 0 else f"[{ti.map_index}]"): str(ti.state)
        for ti in run.get_task_instances()
    }
    tries = {
        ti.task_id + ("" if ti.map_index < 0 else f"[{ti.map_index}]"): ti.try_number
        for ti in run.get_task_instances()
    }
    print("DAGRUN_STATE=" + str(run.state))
    print("TASK_TRIES=" + json.dumps(tries, sort_keys=True))
    print("TASK_STATES=" + json.dumps(states, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
