"""gunicorn settings for tempaid's web workers (``gunicorn -c deploy/gunicorn.conf.py 'app:create_app()'``).

Sync workers, two per core plus one: every request is short (lists are paginated and scoped; the rule
editor's impact over a whole city runs as a background job, not in the request), so a blocked worker only
waits on PostgreSQL. Each value can be overridden by the environment file (GUNICORN_*).

Every worker builds its own app and syncs config/roles.yaml into the permission tables as it starts; the
workers (and the job worker and beat) starting together take turns on a lock and skip a sync another has
just made (app/security/boot_sync.py), so no ``tempaid roles sync`` is needed before a restart. Threads
(``gthread``, 4 a worker) were tried beside sync workers in bench/load_test.py on the shared 2-core
development machine and showed no better p95 for mixed list and API traffic (most of a request is Python
under the GIL, not waiting on PostgreSQL); the runs were too noisy to settle it, so sync workers stay.
"""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")  # nginx in front; never exposed directly
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# a worker is replaced after this many requests (a slow leak never grows without bound)
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
limit_request_line = 8190
limit_request_fields = 100
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# gunicorn 25's control socket (for gunicornc) would be made in $HOME/.gunicorn, which the units keep
# read-only (ProtectSystem=strict): every start logged an error. Reloads go by `systemctl reload` (HUP).
control_socket_disable = True
preload_app = False  # each worker builds its own app (AppBuilder must not be shared across apps)
