import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


def run_manage(*args: str, **env_overrides: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "XIAOAN_DEMO", "XIAOAN_TESTING", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(DJANGO_SETTINGS_MODULE="xiaoan.config.settings", **env_overrides)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_the_deploy_check_without_a_single_warning(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="k" * 20 + "-production-secret-with-enough-entropy-0123456789abcdef",
        ALLOWED_HOSTS="xiaoan.example.cn",
        XIAOAN_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_manage("check", ALLOWED_HOSTS="xiaoan.example.cn", XIAOAN_VAR_DIR=str(tmp_path), SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
