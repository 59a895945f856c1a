"""Where uploaded guide files are stored: the file system under MEDIA_ROOT by default, a private
S3-compatible bucket when one is configured."""

import json

from tests.core.test_settings import environment, settings_script

_SHOW = (
    "import json; from django.core.files.storage import storages; s = storages['default'];"
    "print(json.dumps({'class': type(s).__module__ + '.' + type(s).__name__,"
    " 'acl': getattr(s, 'default_acl', None), 'signed': getattr(s, 'querystring_auth', None),"
    " 'bucket': getattr(s, 'bucket_name', None), 'endpoint': getattr(s, 'endpoint_url', None),"
    " 'overwrite': getattr(s, 'file_overwrite', None)}))"
)


def _storage(**env) -> dict:
    result = settings_script(_SHOW, environment(without={"AWS_STORAGE_BUCKET_NAME"}, **env))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_files_go_to_the_file_system_by_default():
    assert _storage()["class"] == "django.core.files.storage.filesystem.FileSystemStorage"


def test_a_configured_bucket_is_private_and_never_overwritten():
    storage = _storage(
        AWS_STORAGE_BUCKET_NAME="nmiq-guides", S3_ENDPOINT_URL="https://s3.example.org"
    )
    assert storage == {
        "class": "storages.backends.s3.S3Storage",
        "acl": "private",
        "signed": True,
        "bucket": "nmiq-guides",
        "endpoint": "https://s3.example.org",
        "overwrite": False,
    }
