"""docker-compose.yml, the Dockerfile and .dockerignore agree with the code they run."""

# No Docker engine runs here, so these tests read the files instead of building the image: each
# checks a mistake that would otherwise surface only on someone's `docker compose up`.

import ast
import fnmatch
import gc
import json
import re
import runpy
import shlex
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from celery.app.utils import find_app
from celery.beat import Scheduler
from celery.utils.imports import symbol_by_name
from django.core.management import get_commands
from django.urls import resolve

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ["web", "worker", "beat"]
SERVICES = ["postgres", "redis", *APP_SERVICES]

# Compose interpolation: `$$`, `${NAME}`, `${NAME:-default}`, `${NAME:?error}`…, `$NAME`.
_INTERPOLATION = re.compile(r"\$\$|\$\{\w+(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}|\$\w+")


@cache
def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _service(name: str) -> dict:
    return _compose()["services"][name]


def _as_compose_passes_it(value: str) -> str:
    """The value compose hands the container when none of the variables it names is set."""

    def substitute(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        op = match.group("op") or ""
        if op.endswith("?"):
            pytest.fail(f"{match.group(0)} makes `docker compose up` fail on a fresh clone")
        return match.group("arg") if op.endswith("-") else ""

    return _INTERPOLATION.sub(substitute, value)


def _env_file_variables(config: dict) -> dict[str, str]:
    entries = config.get("env_file") or []
    if isinstance(entries, str | dict):
        entries = [entries]
    variables = {}
    for entry in entries:
        if isinstance(entry, str):
            path, required = entry, True
        else:
            path, required = entry["path"], entry.get("required", True)
        file = ROOT / path
        if not file.exists():
            assert not required, f"env_file {path} does not exist"
            continue
        for line in file.read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                key, _, value = line.removeprefix("export ").partition("=")
                variables[key.strip()] = value.strip().strip("'\"")
    return variables


def _environment(service: str) -> dict[str, str]:
    """Every variable compose sets in the service's containers, from env_file and environment."""
    config = _service(service)
    variables = _env_file_variables(config)
    environment = config.get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.partition("=")[::2] for item in environment)
    for name, value in environment.items():
        # Compose turns an unquoted YAML boolean into "True"/"False", which environ may not parse.
        assert not isinstance(value, bool), f"{service}: quote the value of {name}"
        variables[name] = _as_compose_passes_it("" if value is None else str(value))
    return variables


@cache
def _variables_the_settings_read() -> frozenset[str]:
    """First string argument of every env(...) and env.<cast>(...) call in the settings."""
    tree = ast.parse((ROOT / "nmiq_portal" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        calls_env = (isinstance(func, ast.Name) and func.id == "env") or (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "env"
        )
        first = node.args[0]
        if calls_env and isinstance(first, ast.Constant) and isinstance(first.value, str):
            names.add(first.value)
    return frozenset(names)


@cache
def _dockerfile() -> tuple[tuple[str, str], ...]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    instructions, pending = [], ""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, arguments = (pending + stripped).partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        pending = ""
    return tuple(instructions)


def _final_stage() -> list[tuple[str, str]]:
    instructions = list(_dockerfile())
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    return instructions[last_from:]


def _dockerfile_argv(keyword: str) -> list[str]:
    """The final stage's CMD or ENTRYPOINT as an argv (exec or shell form), or []."""
    found = [arguments for kw, arguments in _final_stage() if kw == keyword]
    if not found:
        return []
    last = found[-1]
    return json.loads(last) if last.startswith("[") else shlex.split(last)


def _runs() -> list[str]:
    return [arguments for keyword, arguments in _dockerfile() if keyword == "RUN"]


def _command(service: str) -> list[str]:
    """The argv a service's container starts with: compose's command, else the image's CMD."""
    config = _service(service)
    entrypoint = config.get("entrypoint", _dockerfile_argv("ENTRYPOINT")) or []
    command = config.get("command", _dockerfile_argv("CMD")) or []
    parts = [shlex.split(part) if isinstance(part, str) else part for part in (entrypoint, command)]
    return [str(arg) for part in parts for arg in part]


def _built_services() -> list[str]:
    return [name for name in _compose()["services"] if "build" in _service(name)]


def _every_command() -> dict[str, list[str]]:
    commands = {name: _command(name) for name in _built_services()}
    commands["Dockerfile CMD"] = _dockerfile_argv("ENTRYPOINT") + _dockerfile_argv("CMD")
    return commands


def _healthcheck_command(service: str) -> str:
    test = _service(service)["healthcheck"]["test"]
    if isinstance(test, str):
        return test
    assert test[0] in {"CMD", "CMD-SHELL"}, f"{service}: healthcheck test starts with {test[0]}"
    return " ".join(test[1:])


def _dockerignore_patterns() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _dockerignored(path: str) -> bool:
    ignored = False
    for pattern in _dockerignore_patterns():
        negated = pattern.startswith("!")
        pattern = pattern.removeprefix("!").strip("/")
        if fnmatch.fnmatch(path, pattern) or path.startswith(pattern + "/"):
            ignored = not negated
    return ignored


def test_compose_defines_the_database_broker_web_worker_and_beat():
    assert set(SERVICES) <= set(_compose()["services"])


@pytest.mark.parametrize("service", SERVICES)
def test_service_has_a_healthcheck_with_a_test_command(service):
    healthcheck = _service(service).get("healthcheck") or {}
    assert not healthcheck.get("disable"), f"{service}: healthcheck disabled"
    assert healthcheck.get("test") not in (None, [], "", ["NONE"]), f"{service}: no healthcheck"
    assert _healthcheck_command(service).strip()


@pytest.mark.parametrize(
    ("service", "image", "asks_the_server"),
    [
        ("postgres", r"postgres:1[56]\b", r"\bpg_isready\b"),
        ("redis", r"redis:7\b", r"\bredis-cli\b.*\bping\b"),
    ],
)
def test_database_and_broker_run_supported_images_that_report_their_own_health(
    service, image, asks_the_server
):
    assert re.match(image, _service(service)["image"])
    assert re.search(asks_the_server, _healthcheck_command(service))


def test_postgres_keeps_its_data_in_a_named_volume():
    named_volumes = set(_compose().get("volumes") or {})
    mounts = []
    for volume in _service("postgres").get("volumes", []):
        if isinstance(volume, str):
            source, _, target = volume.partition(":")
            mounts.append((source, target.split(":")[0]))
        else:
            mounts.append((volume.get("source"), volume.get("target")))
    assert any(
        source in named_volumes and target == "/var/lib/postgresql/data"
        for source, target in mounts
    ), mounts


@pytest.mark.parametrize("service", [*APP_SERVICES, "migrate"])
def test_app_service_runs_the_image_built_from_the_repository_dockerfile(service):
    build = _service(service).get("build")
    assert build, f"{service} is not built from the Dockerfile"
    build = {"context": build} if isinstance(build, str) else build
    assert (ROOT / build.get("context", ".")).resolve() == ROOT
    assert (ROOT / build.get("context", ".") / build.get("dockerfile", "Dockerfile")).is_file()
    assert build.get("dockerfile", "Dockerfile") == "Dockerfile"
    # One image for all: a worker built from other code than the web would run other tasks.
    assert _service(service).get("image") == _service("web").get("image")
    assert _service(service)["build"] == _service("web")["build"]


@pytest.mark.parametrize(
    ("service", "starts"),
    [
        ("web", [r"^gunicorn .*\bnmiq_portal\.wsgi:application\b"]),
        ("worker", [r"^celery (?:-A|--app)[ =]nmiq_portal worker\b"]),
        (
            "beat",
            [
                r"^celery (?:-A|--app)[ =]nmiq_portal beat\b",
                r"(?:--scheduler|-S)[ =]django_celery_beat\.schedulers:DatabaseScheduler\b",
            ],
        ),
    ],
)
def test_app_service_runs_its_process(service, starts):
    command = " ".join(_command(service))
    for pattern in starts:
        assert re.search(pattern, command), f"{service} runs {command!r}"


def test_every_wsgi_application_gunicorn_is_given_exists():
    served = {
        label: next(arg for arg in argv[1:] if not arg.startswith("-"))
        for label, argv in _every_command().items()
        if argv[:1] == ["gunicorn"]
    }
    assert served, "nothing runs gunicorn"
    for label, spec in served.items():
        module, _, attribute = spec.partition(":")
        source = ROOT / (module.replace(".", "/") + ".py")
        assert source.is_file(), f"{label}: {source} does not exist"
        assigned = {
            target.id
            for node in ast.parse(source.read_text()).body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        assert attribute in assigned, f"{label}: {spec} names no module-level {attribute}"


def test_every_celery_app_and_scheduler_the_commands_name_is_found():
    celery_commands = {
        label: argv for label, argv in _every_command().items() if argv[:1] == ["celery"]
    }
    assert celery_commands, "nothing runs celery"
    for argv in celery_commands.values():
        options = " ".join(argv)
        app_name = re.search(r"(?:-A|--app)[ =](\S+)", options).group(1)
        assert find_app(app_name).main == "nmiq_portal"
        scheduler = re.search(r"(?:--scheduler|-S)[ =](\S+)", options)
        if scheduler:
            assert issubclass(symbol_by_name(scheduler.group(1)), Scheduler)


def test_every_management_command_the_image_and_services_run_exists():
    lines = [*_runs(), *(" ".join(argv) for argv in _every_command().values())]
    named = {match for line in lines for match in re.findall(r"manage\.py (\w+)", line)}
    assert {"migrate", "collectstatic", "compilemessages"} <= named
    assert (ROOT / "manage.py").is_file()
    assert named <= set(get_commands()), named - set(get_commands())


def test_every_variable_the_app_services_set_is_read_by_the_settings():
    read = _variables_the_settings_read()
    built = _built_services()
    assert set(APP_SERVICES) <= set(built)
    unread = {
        f"{service}: {variable}"
        for service in built
        for variable in _environment(service)
        if variable not in read
    }
    assert not unread, f"nmiq_portal/settings.py reads none of {sorted(unread)}"


@pytest.mark.parametrize("service", [*APP_SERVICES, "migrate"])
def test_app_service_runs_without_debug_on_plain_http_at_localhost(service):
    environment = _environment(service)
    assert environment["DEBUG"].lower() in {"false", "0", "off", "no"}
    # An https SITE_URL would redirect to an HTTPS port that nothing serves locally.
    assert environment["SITE_URL"] == "http://localhost:8000"
    assert environment["ALLOWED_HOSTS"].split(",") == ["localhost", "127.0.0.1", "web"]
    assert environment["EMAIL_URL"] == "consolemail://"
    # Django warns (security.W009) under 50 characters; the prefix says it must be replaced.
    assert environment["SECRET_KEY"].startswith("change-me-")
    assert len(environment["SECRET_KEY"]) >= 50


@pytest.mark.parametrize("service", [*APP_SERVICES, "migrate"])
def test_app_service_reaches_the_compose_database_and_broker(service):
    environment = _environment(service)
    postgres = {
        name: _as_compose_passes_it(str(value))
        for name, value in _service("postgres")["environment"].items()
    }
    database = urlsplit(environment["DATABASE_URL"])
    assert database.scheme in {"postgres", "postgresql", "pgsql"}
    assert (database.hostname, database.port) == ("postgres", 5432)
    assert database.username == postgres["POSTGRES_USER"]
    assert database.password == postgres["POSTGRES_PASSWORD"]
    assert database.path == "/" + postgres["POSTGRES_DB"]
    redis = urlsplit(environment["REDIS_URL"])
    assert (redis.scheme, redis.hostname) == ("redis", "redis")


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_service_starts_after_healthy_database_and_broker_and_the_migrations(service):
    depends_on = _service(service)["depends_on"]
    assert depends_on["postgres"]["condition"] == "service_healthy"
    assert depends_on["redis"]["condition"] == "service_healthy"
    assert depends_on["migrate"]["condition"] == "service_completed_successfully"


def test_migrations_run_once_and_the_service_stays_down():
    migrate = _service("migrate")
    assert _command("migrate") == ["python", "manage.py", "migrate", "--noinput"]
    # Restarting a finished one-off would migrate in a loop.
    assert migrate.get("restart", "no") == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_web_is_published_on_port_8000_where_gunicorn_listens():
    ports = _service("web")["ports"]
    published = {
        (str(port.get("published")), str(port.get("target")))
        if isinstance(port, dict)
        else tuple(str(port).rsplit(":", 2)[-2:])
        for port in ports
    }
    assert ("8000", "8000") in published
    assert _gunicorn_settings(_command("web"))["bind"] == "0.0.0.0:8000"


def _gunicorn_settings(argv: list[str]) -> dict:
    """The settings of the configuration file a gunicorn command line names (its --config)."""
    named = re.search(r"(?:--config|-c)[ =](\S+)", " ".join(argv))
    assert named, f"{argv} names no configuration file"
    source = ROOT / named.group(1)
    assert not _dockerignored(named.group(1)), f"{source} is not sent to the image"
    return runpy.run_path(str(source))


@pytest.mark.parametrize("label", ["web", "Dockerfile CMD"])
def test_gunicorn_runs_the_production_settings_file(label):
    settings = _gunicorn_settings(_every_command()[label])
    assert settings["bind"] == "0.0.0.0:8000"
    assert settings["accesslog"] == "-"
    # The snapshot streams for about a minute at 100,000 services; gunicorn's default is 30 s.
    assert settings["timeout"] >= 120
    # Long-lived workers: the objects loaded at start-up are frozen out of the collector's walk.
    assert callable(settings["post_worker_init"])


def test_a_snapshot_response_ends_before_gunicorn_would_kill_its_worker(settings):
    # A sync worker streaming one response longer than the timeout is killed mid-stream.
    timeout = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["timeout"]
    assert timeout >= settings.SNAPSHOT_RESPONSE_SECONDS + 30


def test_gunicorn_settings_take_the_worker_count_from_web_concurrency(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"] == 3
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"] == 5


def test_web_healthcheck_asks_the_health_page_about_the_database_only():
    # The web must stay healthy while the worker is down: /healthz alone would say 503 then.
    check = _healthcheck_command("web")
    url = re.search(r"https?://(?:127\.0\.0\.1|localhost):8000(/[^'\"\s?]*)\?only=database", check)
    assert url, check
    assert resolve(url.group(1)).url_name == "healthz"


def test_worker_healthcheck_pings_its_own_node():
    check = _healthcheck_command("worker")
    assert re.search(r"^celery (?:-A|--app)[ =]nmiq_portal inspect ping\b", check)
    # Pinging any worker would call this one healthy while another answers for it.
    assert re.search(r"(?:--destination|-d)[ =]\S*celery@", check)


def test_image_is_based_on_python_3_11_slim():
    assert re.match(r"python:3\.11-slim\b", _final_stage()[0][1])


def test_image_installs_python_dependencies_exactly_as_locked():
    copied = " ".join(arguments for keyword, arguments in _dockerfile() if keyword == "COPY")
    assert "uv.lock" in copied.split()
    syncs = [run for run in _runs() if "uv sync" in run]
    assert syncs, "no RUN installs with uv sync"
    for run in syncs:
        assert "--frozen" in run.split() or "--locked" in run.split(), run
        assert "--extra dev" not in run, run
        assert "--all-extras" not in run, run
    assert any(re.search(r"\buv==\d", run) for run in _runs()), "uv is not pinned"


def test_image_bundles_front_end_packages_messages_and_static_files():
    runs = " && ".join(_runs())
    assert re.search(r"\bnpm ci\b[^&]*--omit=dev", runs)
    assert re.search(r"manage\.py collectstatic\b[^&]*--noinput", runs)
    assert re.search(r"manage\.py compilemessages\b", runs)


def test_every_file_the_dockerfile_copies_from_the_build_context_exists_and_is_sent():
    for keyword, arguments in _dockerfile():
        if keyword not in {"COPY", "ADD"} or "--from=" in arguments:
            continue
        *sources, _ = [arg for arg in shlex.split(arguments) if not arg.startswith("--")]
        for source in sources:
            if source in {".", "./"}:
                continue
            assert (ROOT / source).exists(), f"COPY {source}: no such file"
            sent = not _dockerignored(source.removeprefix("./").rstrip("/"))
            assert sent, f"COPY {source}: in .dockerignore"


def test_image_runs_as_a_non_root_user():
    users = [arguments for keyword, arguments in _final_stage() if keyword == "USER"]
    assert users, "the image runs as root"
    assert users[-1].split(":")[0] not in {"root", "0"}


@pytest.mark.parametrize("path", [".venv", "node_modules", "var", "var/secret_key", ".git"])
def test_local_state_stays_out_of_the_image(path):
    # var/ holds this machine's secret key and embedded database; the image installs its own
    # packages from the locks.
    assert _dockerignored(path)


def test_gunicorn_worker_freezes_what_it_loaded_and_collects_fully_between_requests():
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    after = settings["FULL_COLLECTION_AFTER"]
    # Before a full collection would start inside a request, a short one at that.
    assert 0 < after <= gc.get_threshold()[2] - 2
    try:
        settings["post_worker_init"](None)
        assert gc.get_freeze_count() > 0
        gc.collect()
        for _ in range(after - 1):
            gc.collect(1)
        settings["post_request"](None, None, {}, None)
        assert gc.get_count()[2] == after - 1
        gc.collect(1)
        settings["post_request"](None, None, {}, None)
        assert gc.get_count()[2] == 0
    finally:
        gc.unfreeze()
