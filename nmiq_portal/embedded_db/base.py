"""Django's PostgreSQL backend, pointed at the embedded server before each new connection."""

from pathlib import Path

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    _ensured_databases: set[str] = set()

    def get_connection_params(self):
        from .server import ensure_database, socket_dir

        host = socket_dir(
            Path(self.settings_dict["EMBEDDED_DATA_DIR"]),
            durable=self.settings_dict.get("EMBEDDED_DURABLE", True),
        )
        self.settings_dict["HOST"] = host
        self.settings_dict["PORT"] = ""
        name = self.settings_dict["NAME"]
        if name and name not in self._ensured_databases and not self._is_test_database(name):
            ensure_database(host, name, self.settings_dict["USER"] or "postgres")
            self._ensured_databases.add(name)
        return super().get_connection_params()

    def _is_test_database(self, name: str) -> bool:
        test_name = self.settings_dict.get("TEST", {}).get("NAME")
        return name == test_name or name.startswith("test_")
