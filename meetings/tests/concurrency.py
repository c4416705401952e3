import threading

from django.db import connection


def run_at_once(function, *, times: int) -> tuple[list, list]:
    """Call ``function`` from ``times`` threads released together, each with its own
    database connection. Returns (results, exceptions)."""
    barrier = threading.Barrier(times)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(function())
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
